from django.urls import path

from partnerships import apis

urlpatterns = [
    path("agreements/", apis.AgreementSignApi.as_view(), name="partnerships-agreement-sign"),
    path("agreements/confirm/", apis.AgreementConfirmApi.as_view(), name="partnerships-agreement-confirm"),
    path(
        "agreements/<str:reference>/countersign/",
        apis.AgreementCountersignApi.as_view(),
        name="partnerships-agreement-countersign",
    ),
    path("stats/", apis.PartnershipStatsApi.as_view(), name="partnerships-stats"),
]
