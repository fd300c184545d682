"""Back office: declarations, ratings (verify/reject), statistics with CSV export; follow-up cases and the
rest of the trust loop are in ratings.case_admin.

Rater protection (ratings.selectors decides it): the declaration and enterprise behind a rating are shown
only to the investigator of its follow-up case and the inspection desk, and every look is logged; nobody
lists the ratings of their own work; an official or a branch officer reads only the aggregates of their
own work, per closed period.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import refusal_text
from customs_feedback.organization.admin_mixins import (
    ExportMixin,
    ReadOnlyAdminMixin,
    ScopedModelAdmin,
    ServiceActionMixin,
    ServiceWrittenAdminMixin,
    StatusEventInline,
    branch_column,
)
from customs_feedback.organization.models import Branch, Team
from customs_feedback.organization.scoping import staff_official, user_branch_ids
from customs_feedback.validators import DECLARATION_NUMBER, normalize_tax_code
from partnerships.models import Enterprise
from ratings.access import may_read_individual_figures, may_see_rater, may_verify_rating, ratings_visible_to
from ratings.models import (
    SCORE_FIELDS,
    ApiClient,
    DailyRollup,
    Declaration,
    Rating,
    RatingEvent,
    RejectionReason,
)
from ratings.periods import last_closed_periods, parse_period
from ratings.selectors import TREND_WEEKS, flatten, min_sample, official_period_figures, stats_scope
from ratings.services import rater_identity_viewed, rating_reject, rating_verify
from ratings.statistics_page import statistics_figures


@admin.register(Declaration)
class DeclarationAdmin(ServiceWrittenAdminMixin, ScopedModelAdmin):
    list_display = ["number", "enterprise", "branch", "team", "official", "registered_at", "cleared_at"]
    # No joins: the page's enterprises, branches, teams (a team shows its branch) and officials come prefetched
    # (changelist_rows).
    list_select_related = ()
    # No date_hierarchy: its year links read DISTINCT years over every declaration; the date filter below
    # needs no query.
    list_filter = ["branch", ("registered_at", admin.DateFieldListFilter), ("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["number"]
    search_help_text = _("A 12-digit declaration number or the enterprise's tax code.")
    readonly_fields = [field.name for field in Declaration._meta.fields]

    def changelist_rows(self, queryset):
        """The related rows read once each for the page: a page of 100 declarations joined to five tables made
        600 objects, the demo's branch page 64 rows of them (see RatingAdmin.changelist_rows)."""
        teams = Prefetch("team", queryset=Team.objects.select_related("branch"))
        enterprises = Prefetch("enterprise", queryset=Enterprise.objects.only("tax_code", "name_vi", "name_en"))
        return queryset.prefetch_related(enterprises, "branch", teams, "official")

    def get_search_results(self, request, queryset, search_term):
        """Exact number or tax code, each answered from its index (a substring search reads 20 million rows)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if DECLARATION_NUMBER.match(term):
            return queryset.filter(number=term), False
        try:
            return queryset.filter(enterprise__tax_code=normalize_tax_code(term)), False
        except ValidationError:
            return queryset.none(), False


class RatingEventInline(StatusEventInline):
    model = RatingEvent


@admin.register(Rating)
class RatingAdmin(ServiceWrittenAdminMixin, ServiceActionMixin, ExportMixin, ScopedModelAdmin):
    list_display = ["submitted_at", "branch_code", "team", "official", *SCORE_FIELDS, "reason", "status", "channel"]
    # No joins: the page's few branches, teams (a team shows its branch) and officials come prefetched
    # (changelist_rows).
    list_select_related = ()
    list_filter = [
        "status",
        "channel",
        "reason",
        "branch",
        "official_score",
        "branch_score",
        ("submitted_at", admin.DateFieldListFilter),  # not date_hierarchy: no DISTINCT years over every rating
    ]
    branch_code = branch_column("branch")
    search_fields = ["comment"]
    inlines = [RatingEventInline]
    actions = ["verify"]
    change_form_template = "admin/ratings/rating/change_form.html"
    base_fields = [
        "status",
        "rejection_reason",
        "branch",
        "team",
        "official",
        *SCORE_FIELDS,
        "reason",
        "comment",
        "channel",
        "submitted_at",
        "case_link",
    ]

    def get_queryset(self, request):
        return ratings_visible_to(request.user, super().get_queryset(request))

    def changelist_rows(self, queryset):
        """The listed columns only, and the page's few branches, teams and officials read once each: 100 ratings
        joined to four tables made 500 objects of 50 columns (10 ms of a 45 ms page on the big set; 4.6 ms so),
        against the demo page's four ratings."""
        listed = ["submitted_at", "branch", "team", "official", *SCORE_FIELDS, "reason", "status", "channel"]
        teams = Prefetch("team", queryset=Team.objects.select_related("branch"))
        return queryset.only(*listed).prefetch_related("branch", teams, "official")

    def get_fields(self, request, obj=None):
        fields = list(self.base_fields)
        if obj is not None and may_see_rater(request.user, getattr(obj, "case", None)):
            fields += ["declaration_number", "enterprise_identity"]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rating = self.get_object(request, object_id)
        if rating is not None and may_see_rater(request.user, getattr(rating, "case", None)):
            rater_identity_viewed(rating_id=rating.pk, viewer=request.user, where="admin:rating")
        extra = {"may_reject": rating is not None and may_verify_rating(request.user, rating), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def get_urls(self):
        reject = self.admin_site.admin_view(self.reject_view)
        return [path("<int:rating_id>/reject/", reject, name="ratings_rating_reject"), *super().get_urls()]

    def reject_view(self, request, rating_id: int):
        """Reject one rating with a reason and the note the enterprise reads (POST), from a form (GET)."""
        rating = self.get_object(request, str(rating_id))
        if rating is None or not may_verify_rating(request.user, rating):
            raise DjangoPermissionDenied
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                rating_reject(rating_id=rating.pk, actor=request.user, **form.cleaned_data)
            except (DomainError, ValidationError) as error:
                form.add_error(None, refusal_text(error))
            else:
                self.message_user(request, gettext("The rating is rejected; the enterprise is told why."))
                return redirect("admin:ratings_rating_change", rating.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject rating #%(id)s") % {"id": rating.pk},
            "opts": self.model._meta,
            "original": rating,
            "form": form,
        }
        return TemplateResponse(request, "admin/ratings/action_form.html", context)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("declaration"))
    def declaration_number(self, obj):
        return obj.declaration.number

    @admin.display(description=_("enterprise"))
    def enterprise_identity(self, obj):
        return str(obj.declaration.enterprise)

    @admin.display(description=_("follow-up case"))
    def case_link(self, obj):
        case = getattr(obj, "case", None)
        return case.reference if case else "–"

    def _apply(self, request, queryset, action, done_message):
        self.run_per_row(request, queryset, action, done_message, label=lambda rating: f"#{rating.pk}")

    @admin.action(description=_("Verify the selected ratings"), permissions=["change"])
    def verify(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda rating: rating_verify(rating_id=rating.pk, actor=request.user),
            gettext("%(count)s ratings verified."),
        )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RejectionReason.choices)
    note = forms.CharField(
        label=_("Note (the enterprise reads it)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class StatsForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)

    @staticmethod
    def data_with_default_period(query) -> dict:
        """The query, or the last 12 months (as the dashboard) when it names no start: the page opens on a year,
        not on the whole history; an empty `date_from` (the form sent with the field cleared) is all time."""
        data = query.dict()
        if "date_from" not in data:
            data["date_from"] = (timezone.localdate() - timedelta(days=365)).isoformat()
        return data


class OwnStatsForm(forms.Form):
    """An official's own figures: one closed period at a time (no date windows to subtract)."""

    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.code) for p in last_closed_periods(timezone.localdate())]

    def chosen(self):
        code = (self.cleaned_data.get("period") if self.is_valid() else "") or self.fields["period"].choices[0][0]
        return parse_period(code)


@admin.register(DailyRollup)
class StatisticsAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """The statistics page (the rollup itself is never edited): figures in the user's scope, CSV export."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def get_urls(self):
        return [
            path("", self.admin_site.admin_view(self.stats_view), name="ratings_dailyrollup_changelist"),
            path("export.csv", self.admin_site.admin_view(self.csv_view), name="ratings_statistics_csv"),
        ]

    def _report(self, request, *, trend_weeks: int | None = TREND_WEEKS) -> dict:
        """What the user may read, as selectors decide: an official or branch officer gets their own figures
        for one closed period; team and official rows only for leaders, the inspection desk and leadership.
        The weekly trend of the period's last `trend_weeks` weeks (None: every week, as the CSV export has)."""
        user = request.user
        allowed = user_branch_ids(user)
        form = StatsForm(StatsForm.data_with_default_period(request.GET))
        form.fields["branch"].queryset = (
            Branch.objects.all() if allowed is None else Branch.objects.filter(pk__in=allowed)
        )
        data = form.cleaned_data if form.is_valid() else {}
        branch = data.get("branch")
        stats_filter, own_only = stats_scope(
            user, branch_id=branch.pk if branch else None, date_from=data.get("date_from"), date_to=data.get("date_to")
        )
        sample = min_sample()
        if own_only:
            own_form = OwnStatsForm(request.GET or None)
            period = own_form.chosen()
            official = staff_official(user)
            total = official_period_figures(official_id=official.pk if official else -1, period=period)
            return {
                "form": own_form,
                "own_only": True,
                "total": total,
                "weekly": [],
                "breakdowns": [],
                "period": period,
            }
        branch_ids = stats_filter.branch_ids
        individual = may_read_individual_figures(user, branch_ids[0] if branch_ids and len(branch_ids) == 1 else None)
        titles = {
            "branch": gettext("By branch"),
            "team": gettext("By working team"),
            "official": gettext("By official"),
        }
        levels = ("branch", "team", "official") if individual else ("branch",)
        # One pass over the rollup for every figure of the page (GROUPING SETS on PostgreSQL).
        figures = statistics_figures(
            stats_filter=stats_filter, levels=levels, min_sample=sample, trend_weeks=trend_weeks
        )
        return {
            "form": form,
            "own_only": False,
            "total": figures["total"],
            "weekly": figures["weekly"],
            "breakdowns": [(level, titles[level], figures["breakdowns"][level]) for level in levels],
        }

    def stats_view(self, request):
        report = self._report(request)
        context = {
            **self.admin_site.each_context(request),
            **report,
            "breakdowns": [(title, rows) for _by, title, rows in report["breakdowns"]],
            "by_branch_label": gettext("By branch"),
            "title": gettext("Rating statistics"),
            "opts": self.model._meta,
            "min_sample": min_sample(),
            "trend_weeks": TREND_WEEKS,
            "csv_url": reverse("admin:ratings_statistics_csv") + ("?" + request.GET.urlencode() if request.GET else ""),
            "all_time_url": "?" + urlencode({**request.GET.dict(), "date_from": "", "date_to": ""}),
        }
        return TemplateResponse(request, "admin/ratings/statistics.html", context)

    def csv_view(self, request):
        report = self._report(request, trend_weeks=None)  # the export is for analysis: every week of the period
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="rating-statistics.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly with a byte-order mark
        writer = csv.writer(response)
        header = None
        period = report.get("period")
        rows = [("total", period.code if period else "", "", report["total"])]
        rows += [("week", week["week"].isoformat(), "", week) for week in report["weekly"]]
        for by, _title, breakdown in report["breakdowns"]:
            rows += [(by, row["code"], row["name"], row) for row in breakdown]
        for level, code, name, figures in rows:
            flat = flatten(figures)
            if header is None:
                header = ["level", "code", "name", *flat.keys()]
                writer.writerow(header)
            writer.writerow([level, code, name, *("" if value is None else value for value in flat.values())])
        return response


@admin.register(ApiClient)
class ApiClientAdmin(ScopedModelAdmin):
    """API keys of other systems; created with `manage.py create_api_client` (the key is shown once).

    No role is granted its permissions: only the system administrator (superuser) manages them."""

    list_display = ["name", "prefix", "scopes", "created", "expiry_date", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created", "name"]
    fields = ["name", "prefix", "scopes", "created", "expiry_date", "revoked"]

    def has_add_permission(self, request):
        return False


from ratings import case_admin, review_admin  # noqa: E402, F401  (registers the trust loop's admins)
