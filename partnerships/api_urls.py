from django.urls import path

from partnerships import apis

urlpatterns = [
    path("agreements/", apis.AgreementSignApi.as_view(), name="partnerships-agreement-sign"),
    path("agreements/signed/", apis.AgreementSignedUploadApi.as_view(), name="partnerships-agreement-signed"),
    path("agreements/confirm/", apis.AgreementConfirmApi.as_view(), name="partnerships-agreement-confirm"),
    path(
        "agreements/<str:reference>/countersign/",
        apis.AgreementCountersignApi.as_view(),
        name="partnerships-agreement-countersign",
    ),
    path("verify/", apis.DocumentVerifyApi.as_view(), name="partnerships-verify"),
    path("stats/", apis.PartnershipStatsApi.as_view(), name="partnerships-stats"),
]
