from django.urls import path

from ratings import company_apis

# Under /api/v1/enterprise/.
api_urlpatterns = [
    path("declarations/", company_apis.CompanyDeclarationsApi.as_view(), name="enterprise-declarations"),
    path("ratings/", company_apis.CompanyRatingsApi.as_view(), name="enterprise-ratings"),
]
