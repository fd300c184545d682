"""Back-office pages that belong to no single model: the results report and the header search."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from customs_feedback.core.report_render import CONTENT_TYPES, report_filename, report_render
from customs_feedback.core.reporting import Period, ReportError, may_read_report, report_build
from customs_feedback.core.search import MIN_QUERY_LENGTH, search_everything


class ReportForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=7,
        help_text=gettext_lazy("2026-11 (month), 2026-Q4 (quarter) or 2026 (year)"),
    )
    branch = forms.ChoiceField(label=gettext_lazy("Branch"), required=False)
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("html", gettext_lazy("Page")), ("pdf", "PDF"), ("xlsx", "Excel (XLSX)")],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from customs_feedback.organization.models import Branch
        from customs_feedback.organization.scoping import for_user, user_branch_ids

        branches = for_user(user, Branch.objects.filter(is_active=True))
        everything = user_branch_ids(user) is None
        self.fields["branch"].choices = [("", _("Whole department"))] * everything + [
            (branch.code, str(branch)) for branch in branches
        ]

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ReportError as error:
            raise forms.ValidationError(str(error)) from None


@require_GET
def report_view(request):
    """The results report for the roles that may read it: on the page, or as a PDF or XLSX download."""
    if not may_read_report(request.user):
        raise PermissionDenied
    default_period = Period.month_before(timezone.localdate()).code
    form = ReportForm(request.GET or {"period": default_period}, user=request.user)
    report, error = None, ""
    if form.is_valid():
        try:
            report = report_build(
                period=form.cleaned_data["period"], user=request.user, branch_code=form.cleaned_data["branch"]
            )
        except ReportError as problem:
            error = str(problem)
    file_format = form.cleaned_data.get("file_format") if form.is_valid() else ""
    if report is not None and file_format in ("pdf", "xlsx"):
        response = HttpResponse(report_render(report, file_format), content_type=CONTENT_TYPES[file_format])
        response["Content-Disposition"] = f'attachment; filename="{report_filename(report, file_format)}"'
        return response
    context = {
        **admin.site.each_context(request),
        "title": _("Results report"),
        "form": form,
        "report": report,
        "error": error,
        "query": request.GET.copy(),
    }
    status = 400 if request.GET and (not form.is_valid() or error) else 200
    return TemplateResponse(request, "admin/report.html", context, status=status)


@require_GET
def search_view(request):
    """The header search: what the user may see, grouped by kind, each result linking to its page."""
    query = (request.GET.get("q") or "").strip()[:100]
    # A number may be short (agreement No. 7); words need a few letters before they mean anything.
    long_enough = len(query) >= MIN_QUERY_LENGTH or query.isdigit()
    groups = search_everything(user=request.user, query=query) if query and long_enough else []
    context = {
        **admin.site.each_context(request),
        "title": _("Search") if not query else _("Search results for “%(query)s”") % {"query": query},
        "query": query,
        "groups": groups,
        "search_query": query,
        "too_short": bool(query) and not long_enough,
        "min_length": MIN_QUERY_LENGTH,
    }
    return TemplateResponse(request, "admin/search.html", context)


def _own_jobs(user):
    """A staff member's own jobs (the system administrator sees everyone's)."""
    from customs_feedback.core.models import BackgroundJob

    jobs = BackgroundJob.objects.select_related("requested_by")
    return jobs if user.is_superuser else jobs.filter(requested_by=user)


@require_GET
def jobs_view(request):
    from customs_feedback.core.jobs import kind_label

    jobs = list(_own_jobs(request.user)[:50])
    for job in jobs:
        job.label = kind_label(job.kind)
    context = {**admin.site.each_context(request), "title": _("Background jobs"), "jobs": jobs}
    return TemplateResponse(request, "admin/jobs.html", context)


@require_GET
def job_view(request, job_id: int):
    from django.shortcuts import get_object_or_404

    from customs_feedback.core.jobs import kind_label

    job = get_object_or_404(_own_jobs(request.user), pk=job_id)
    job.label = kind_label(job.kind)
    context = {**admin.site.each_context(request), "title": job.label, "job": job}
    return TemplateResponse(request, "admin/job.html", context)


@require_GET
def job_download(request, job_id: int):
    from django.http import FileResponse, Http404
    from django.shortcuts import get_object_or_404

    job = get_object_or_404(_own_jobs(request.user), pk=job_id)
    if not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name or f"job-{job.pk}")
