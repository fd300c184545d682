from django.urls import path

from ratings import apis

urlpatterns = [
    path("declarations/", apis.DeclarationUpsertApi.as_view(), name="api-declarations"),
    path("ratings/", apis.RatingSubmitApi.as_view(), name="api-ratings"),
    path("ratings/stats/", apis.RatingStatsApi.as_view(), name="api-ratings-stats"),
]
