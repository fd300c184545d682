from django.urls import path

from ratings import apis, trust_apis

urlpatterns = [
    path("declarations/", apis.DeclarationUpsertApi.as_view(), name="api-declarations"),
    path("ratings/", apis.RatingSubmitApi.as_view(), name="api-ratings"),
    path("ratings/stats/", apis.RatingStatsApi.as_view(), name="api-ratings-stats"),
    path("ratings/<int:rating_id>/", trust_apis.RatingDetailApi.as_view(), name="api-rating-detail"),
    path("ratings/<int:rating_id>/verify/", trust_apis.RatingVerifyApi.as_view(), name="api-rating-verify"),
    path("ratings/<int:rating_id>/reject/", trust_apis.RatingRejectApi.as_view(), name="api-rating-reject"),
]
