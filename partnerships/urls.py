from django.urls import path

from partnerships import signature_views, views

app_name = "partnerships"

urlpatterns = [
    path("", views.agreement_sign, name="sign"),
    path("signed/<str:reference>/", views.agreement_signed, name="signed"),
    path("confirm/<str:token>/", views.agreement_confirm, name="confirm"),
    path("verify/", signature_views.document_verify_page, name="verify_document"),
    path("verify/<str:reference>/", views.agreement_verify, name="verify"),
    path("accept/<str:token>/", views.agreement_text_accept, name="accept_text"),
    path("digital/", signature_views.digital_agreement_sign, name="digital"),
    path("digital/agreement.pdf", signature_views.digital_agreement_download, name="digital_download"),
    path("digital/received/<str:reference>/", signature_views.digital_agreement_received, name="digital_received"),
]
