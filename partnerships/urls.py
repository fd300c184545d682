from django.urls import path

from partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.agreement_sign, name="sign"),
    path("signed/<str:reference>/", views.agreement_signed, name="signed"),
    path("confirm/<str:token>/", views.agreement_confirm, name="confirm"),
    path("verify/<str:reference>/", views.agreement_verify, name="verify"),
]
