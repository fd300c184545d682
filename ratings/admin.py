"""Back office: declarations, ratings (verify/reject), follow-up cases, statistics with CSV export.

Rater protection: the declaration and enterprise behind a rating are shown only to the investigator
of its follow-up case; an official never sees ratings of their own work, only aggregates.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_feedback.exceptions import DomainError
from customs_feedback.organization.admin_mixins import ExportMixin, ScopedModelAdmin, StatusEventInline
from customs_feedback.organization.models import Branch
from customs_feedback.organization.scoping import sees_everything, staff_official, user_branch_ids
from customs_feedback.validators import DECLARATION_NUMBER, normalize_tax_code
from ratings.models import (
    ApiClient,
    CaseStatus,
    DailyRollup,
    Declaration,
    FollowUpCase,
    FollowUpCaseEvent,
    Rating,
    RatingEvent,
    RejectionReason,
)
from ratings.selectors import (
    StatsFilter,
    flatten,
    min_sample,
    rating_stats,
    rating_stats_breakdown,
    rating_stats_weekly,
    stats_scope,
)
from ratings.services import case_close, case_record_findings, rating_reject, rating_verify


def is_investigator(user, case: FollowUpCase | None) -> bool:
    """Only the official assigned to a rating's follow-up case may see who rated."""
    if case is None or case.assigned_to_id is None:
        return False
    official = staff_official(user)
    return official is not None and official.pk == case.assigned_to_id


@admin.register(Declaration)
class DeclarationAdmin(ScopedModelAdmin):
    list_display = ["number", "enterprise", "branch", "team", "official", "registered_at", "cleared_at"]
    list_select_related = ["enterprise", "branch", "team__branch", "official"]  # a team shows its branch
    # No date_hierarchy: its year links read DISTINCT years over every declaration; the date filter below
    # needs no query.
    list_filter = ["branch", ("registered_at", admin.DateFieldListFilter), ("cleared_at", admin.EmptyFieldListFilter)]
    search_fields = ["number"]
    search_help_text = _("A 12-digit declaration number or the enterprise's tax code.")
    readonly_fields = [field.name for field in Declaration._meta.fields]

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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RatingEventInline(StatusEventInline):
    model = RatingEvent


@admin.register(Rating)
class RatingAdmin(ExportMixin, ScopedModelAdmin):
    list_display = [
        "pk",
        "submitted_at",
        "branch",
        "team",
        "official",
        "official_score",
        "team_score",
        "branch_score",
        "reason",
        "status",
        "channel",
    ]
    list_select_related = ["branch", "team__branch", "official"]  # a team shows its branch
    list_filter = [
        "status",
        "channel",
        "reason",
        "branch",
        "official_score",
        "branch_score",
        ("submitted_at", admin.DateFieldListFilter),  # not date_hierarchy: no DISTINCT years over every rating
    ]
    search_fields = ["comment"]
    inlines = [RatingEventInline]
    actions = ["verify", "reject_invalid", "reject_abusive", "reject_mistargeted"]
    base_fields = [
        "status",
        "rejection_reason",
        "branch",
        "team",
        "official",
        "official_score",
        "team_score",
        "branch_score",
        "reason",
        "comment",
        "channel",
        "submitted_at",
        "case_link",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        own = staff_official(request.user)
        if own is not None and not sees_everything(request.user, Rating):
            # Nobody reads individual ratings of their own work.
            queryset = queryset.exclude(official_id=own.pk)
        return queryset

    def get_fields(self, request, obj=None):
        fields = list(self.base_fields)
        if obj is not None and is_investigator(request.user, getattr(obj, "case", None)):
            fields += ["declaration_number", "enterprise_identity"]
        return fields

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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, action, done_message):
        done = 0
        for rating in queryset:
            try:
                action(rating)
            except (DomainError, ValidationError) as error:
                message = error.message if isinstance(error, DomainError) else "; ".join(error.messages)
                self.message_user(request, f"#{rating.pk}: {message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Verify the selected ratings"), permissions=["change"])
    def verify(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda rating: rating_verify(rating_id=rating.pk, actor=request.user),
            gettext("%(count)s ratings verified."),
        )

    def _reject(self, request, queryset, reason):
        self._apply(
            request,
            queryset,
            lambda rating: rating_reject(rating_id=rating.pk, reason=reason, actor=request.user),
            gettext("%(count)s ratings rejected; they no longer count in the statistics."),
        )

    @admin.action(description=_("Reject as invalid"), permissions=["change"])
    def reject_invalid(self, request, queryset):
        self._reject(request, queryset, RejectionReason.INVALID)

    @admin.action(description=_("Reject as abusive"), permissions=["change"])
    def reject_abusive(self, request, queryset):
        self._reject(request, queryset, RejectionReason.ABUSIVE)

    @admin.action(description=_("Reject as mistargeted"), permissions=["change"])
    def reject_mistargeted(self, request, queryset):
        self._reject(request, queryset, RejectionReason.MISTARGETED)


class FollowUpCaseEventInline(StatusEventInline):
    model = FollowUpCaseEvent


class FollowUpCaseForm(forms.ModelForm):
    class Meta:
        model = FollowUpCase
        fields = ["findings", "conclusion", "action_taken"]

    def __init__(self, *args, closing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.closing = closing

    def clean(self):
        data = super().clean()
        if self.closing:
            if not data.get("findings"):
                self.add_error("findings", _("Record the findings before closing the case."))
            if not data.get("conclusion"):
                self.add_error("conclusion", _("Choose whether the complaint is substantiated."))
            if not data.get("action_taken"):
                self.add_error("action_taken", _("Describe the action taken."))
        return data


@admin.register(FollowUpCase)
class FollowUpCaseAdmin(ExportMixin, ScopedModelAdmin):
    form = FollowUpCaseForm
    change_form_template = "admin/ratings/followupcase/change_form.html"
    list_display = ["reference", "branch", "assigned_to", "status", "opened_at", "due_date", "conclusion", "overdue"]
    list_select_related = ["branch", "assigned_to"]
    list_filter = ["status", "conclusion", "branch", "due_date"]
    search_fields = ["reference"]
    date_hierarchy = "opened_at"
    inlines = [FollowUpCaseEventInline]
    summary_fields = ["reference", "status", "branch", "assigned_to", "opened_at", "due_date", "scores", "comment"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        closing = "_close_case" in request.POST

        class BoundForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, closing=closing, **inner)

        return BoundForm

    def get_fields(self, request, obj=None):
        fields = [*self.summary_fields]
        if obj is not None and is_investigator(request.user, obj):
            fields += ["declaration_number", "enterprise_identity"]
        fields += ["findings", "conclusion", "action_taken", "closed_at", "escalated_at"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = [*self.summary_fields, "declaration_number", "enterprise_identity", "closed_at", "escalated_at"]
        if obj is None or obj.status != CaseStatus.OPEN:
            readonly += ["findings", "conclusion", "action_taken"]
        return readonly

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.status == CaseStatus.OPEN and obj.due_date < timezone.localdate()

    @admin.display(description=_("scores (official / team / branch)"))
    def scores(self, obj):
        return " / ".join("–" if score is None else f"{score}★" for score in obj.rating.scores())

    @admin.display(description=_("comment"))
    def comment(self, obj):
        return obj.rating.comment

    @admin.display(description=_("declaration"))
    def declaration_number(self, obj):
        return obj.rating.declaration.number

    @admin.display(description=_("enterprise"))
    def enterprise_identity(self, obj):
        return str(obj.rating.declaration.enterprise)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if "_close_case" in request.POST:
                case_close(
                    case_id=obj.pk,
                    conclusion=data["conclusion"],
                    action_taken=data["action_taken"],
                    findings=data["findings"],
                    actor=request.user,
                )
                self.message_user(request, gettext("The case is closed; the enterprise is told the outcome."))
            else:
                case_record_findings(case_id=obj.pk, findings=data.get("findings", ""), actor=request.user)
        except (DomainError, ValidationError) as error:
            message = error.message if isinstance(error, DomainError) else "; ".join(error.messages)
            self.message_user(request, message, messages.ERROR)

    def save_related(self, request, form, formsets, change):
        """Events are written by the services; nothing else is saved from this page."""


class StatsForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)


@admin.register(DailyRollup)
class StatisticsAdmin(ScopedModelAdmin):
    """The statistics page (the rollup itself is never edited): figures in the user's scope, CSV export."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("", self.admin_site.admin_view(self.stats_view), name="ratings_dailyrollup_changelist"),
            path("export.csv", self.admin_site.admin_view(self.csv_view), name="ratings_statistics_csv"),
        ]

    def _scope(self, request) -> tuple[StatsForm, StatsFilter, bool]:
        """The filter the user may see; `own_only` for an official, who sees their own aggregates only."""
        allowed = user_branch_ids(request.user)
        form = StatsForm(request.GET or None)
        form.fields["branch"].queryset = (
            Branch.objects.all() if allowed is None else Branch.objects.filter(pk__in=allowed)
        )
        data = form.cleaned_data if form.is_valid() else {}
        branch = data.get("branch")
        stats_filter, own_only = stats_scope(
            request.user,
            branch_id=branch.pk if branch else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        return form, stats_filter, own_only

    def stats_view(self, request):
        form, stats_filter, own_only = self._scope(request)
        sample = min_sample()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Rating statistics"),
            "opts": self.model._meta,
            "form": form,
            "own_only": own_only,
            "min_sample": sample,
            "total": rating_stats(stats_filter=stats_filter, min_sample=sample if own_only else 0),
            "weekly": rating_stats_weekly(stats_filter=stats_filter, min_sample=sample if own_only else 0),
            "breakdowns": []
            if own_only
            else [
                (gettext("By branch"), rating_stats_breakdown(stats_filter=stats_filter, by="branch")),
                (gettext("By working team"), rating_stats_breakdown(stats_filter=stats_filter, by="team")),
                (
                    gettext("By official"),
                    rating_stats_breakdown(stats_filter=stats_filter, by="official", min_sample=sample),
                ),
            ],
            "csv_url": reverse("admin:ratings_statistics_csv") + ("?" + request.GET.urlencode() if request.GET else ""),
        }
        return TemplateResponse(request, "admin/ratings/statistics.html", context)

    def csv_view(self, request):
        _form, stats_filter, own_only = self._scope(request)
        sample = min_sample()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="rating-statistics.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly with a byte-order mark
        writer = csv.writer(response)
        header = None
        rows = [("total", "", "", rating_stats(stats_filter=stats_filter, min_sample=sample if own_only else 0))]
        for week in rating_stats_weekly(stats_filter=stats_filter, min_sample=sample if own_only else 0):
            rows.append(("week", week["week"].isoformat(), "", week))
        if not own_only:
            for by in ("branch", "team", "official"):
                for row in rating_stats_breakdown(
                    stats_filter=stats_filter, by=by, min_sample=sample if by == "official" else 0
                ):
                    rows.append((by, row["code"], row["name"], row))
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
