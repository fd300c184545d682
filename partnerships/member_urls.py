from django.urls import path

from partnerships import member_apis, member_views

# Under /doanh-nghiep/ (namespace "enterprise"), before the portal shell's section pages.
urlpatterns = [
    path("dang-nhap/", member_views.sign_in, name="sign_in"),
    path("dang-nhap/ma/", member_views.sign_in_code, name="sign_in_code"),
    path("dang-xuat/", member_views.sign_out, name="sign_out"),
    path("loi-moi/<str:token>/", member_views.invitation, name="invitation"),
    path("chung-nhan/", member_views.certificate, name="certificate"),
]

# Under /api/v1/enterprise/.
api_urlpatterns = [
    path("sign-in/", member_apis.SignInApi.as_view(), name="enterprise-sign-in"),
    path("sign-in/verify/", member_apis.SignInVerifyApi.as_view(), name="enterprise-sign-in-verify"),
    path("me/", member_apis.MeApi.as_view(), name="enterprise-me"),
]
