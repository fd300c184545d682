from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from customs_feedback.core import admin_views as core_admin_views
from customs_feedback.core import enterprise as enterprise_shell
from customs_feedback.core import views as core_views
from customs_feedback.organization.security import StaffLoginForm
from customs_feedback.organization.views import two_factor_setup
from partnerships.member_urls import api_urlpatterns as enterprise_api_partnerships
from partnerships.member_urls import urlpatterns as enterprise_partnerships
from ratings.company_urls import api_urlpatterns as enterprise_api_ratings

# The enterprise portal: the apps' own pages, then the shell's home and the sections the apps register.
enterprise_urlpatterns = [
    *enterprise_partnerships,
    path("", enterprise_shell.enterprise_home, name="home"),
    path("<slug:slug>/", enterprise_shell.enterprise_section, name="section"),
]

urlpatterns = [
    # The resolver tries these in order: the API that other systems call first (the declaration and rating
    # pushes are the busiest paths; resolving them past every page's route was 4 % of a rating POST).
    path("api/v1/", include("ratings.api_urls")),
    path("api/v1/", include("complaints.api_urls")),
    path("", core_views.home, name="home"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/two-factor/", two_factor_setup, name="two_factor_setup"),
    path("admin/report/", admin.site.admin_view(core_admin_views.report_view), name="admin_report"),
    path("admin/search/", admin.site.admin_view(core_admin_views.search_view), name="admin_search"),
    path("admin/jobs/", admin.site.admin_view(core_admin_views.jobs_view), name="admin_jobs"),
    path("admin/jobs/<int:job_id>/", admin.site.admin_view(core_admin_views.job_view), name="admin_job"),
    path(
        "admin/jobs/<int:job_id>/download/",
        admin.site.admin_view(core_admin_views.job_download),
        name="admin_job_download",
    ),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("partnerships/", include("partnerships.urls")),
    path("api/v1/partnerships/", include("partnerships.api_urls")),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("complaints.urls")),
    path("ratings/", include("ratings.urls")),
    path("doanh-nghiep/", include((enterprise_urlpatterns, "enterprise"))),
    path("api/v1/enterprise/", include([*enterprise_api_partnerships, *enterprise_api_ratings])),
]

admin.site.site_header = _("Hai Phong Customs – back office")
admin.site.site_title = _("Customs back office")
admin.site.index_title = _("Work overview")
admin.site.login_form = StaffLoginForm
