"""Back office of the trust loop: follow-up cases (investigate, reassign, conclude) and the official's record
page (explain, appeal); the reviews (contests, appeals, gaming flags, identity views) are in review_admin.

Every rule is asked of ratings.selectors and every change made by a service; this module only shows forms.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import refusal_text
from customs_feedback.organization.admin_mixins import (
    ExportMixin,
    ScopedModelAdmin,
    ServiceWrittenAdminMixin,
    StatusEventInline,
    branch_column,
)
from customs_feedback.organization.models import Official
from customs_feedback.organization.scoping import staff_official
from ratings.access import may_investigate, may_read_official_record, may_reassign_case, may_see_rater
from ratings.models import (
    APPEALABLE_CONCLUSIONS,
    INVESTIGATED_CONCLUSIONS,
    CaseStatus,
    FollowUpCase,
    FollowUpCaseEvent,
)
from ratings.record_selectors import appeal_deadline, official_cases
from ratings.services import (
    case_appeal,
    case_conclude,
    case_explain,
    case_reassign,
    case_record_findings,
    rater_identity_viewed,
)


def action_page(model_admin, request, *, title: str, form, original=None, intro: str = "", submit: str = ""):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "original": original,
        "form": form,
        "intro": intro,
        "submit_label": submit,
    }
    return TemplateResponse(request, "admin/ratings/action_form.html", context)


class FollowUpCaseEventInline(StatusEventInline):
    model = FollowUpCaseEvent


class FollowUpCaseForm(forms.ModelForm):
    class Meta:
        model = FollowUpCase
        fields = ["findings", "conclusion", "measure", "action_taken"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "conclusion" in self.fields:
            self.fields["conclusion"].choices = [("", "—"), *[(c.value, c.label) for c in INVESTIGATED_CONCLUSIONS]]


class ReassignForm(forms.Form):
    to_official = forms.ModelChoiceField(
        label=_("New investigator"),
        queryset=Official.objects.none(),
        required=False,
        empty_label=_("The inspection desk"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


@admin.register(FollowUpCase)
class FollowUpCaseAdmin(ServiceWrittenAdminMixin, ExportMixin, ScopedModelAdmin):
    form = FollowUpCaseForm
    change_form_template = "admin/ratings/followupcase/change_form.html"
    list_display = [
        "reference",
        "branch_code",
        "desk",
        "assigned_to",
        "status",
        "opened_at",
        "due_date",
        "conclusion",
        "measure",
        "overdue",
    ]
    list_select_related = ["branch", "assigned_to"]
    list_filter = ["status", "desk", "conclusion", "measure", "branch", "due_date"]
    search_fields = ["reference"]
    date_hierarchy = "opened_at"
    inlines = [FollowUpCaseEventInline]
    summary_fields = [
        "reference",
        "status",
        "branch",
        "desk",
        "assigned_to",
        "opened_at",
        "due_date",
        "official_rated",
        "scores",
        "low_score_reason",
        "comment",
        "explanation_due",
        "explanation_text",
        "appeal_text",
    ]
    work_fields = ["findings", "conclusion", "measure", "action_taken"]
    branch_code = branch_column("branch")

    @admin.display(description=_("official rated"))
    def official_rated(self, obj):
        rating = obj.rating
        return f"{rating.official} – {rating.team.code}" if rating.official_id else "–"

    @admin.display(description=_("reason chosen"))
    def low_score_reason(self, obj):
        return obj.rating.get_reason_display() or "–"

    def get_fields(self, request, obj=None):
        fields = [*self.summary_fields]
        if obj is not None and may_see_rater(request.user, obj):
            fields += ["declaration_number", "enterprise_identity"]
        return [*fields, *self.work_fields, "closed_at", "escalated_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*self.summary_fields, "declaration_number", "enterprise_identity", "closed_at", "escalated_at"]
        if obj is None or obj.status != CaseStatus.OPEN or not may_investigate(request.user, obj):
            readonly += self.work_fields
        return readonly

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if case is not None:
            if may_see_rater(request.user, case):
                rater_identity_viewed(rating_id=case.rating_id, viewer=request.user, where="admin:case")
            extra["may_conclude"] = case.status == CaseStatus.OPEN and may_investigate(request.user, case)
            extra["may_reassign"] = case.status == CaseStatus.OPEN and may_reassign_case(request.user, case)
        return super().change_view(request, object_id, form_url, extra_context=extra)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.status == CaseStatus.OPEN and obj.due_date < timezone.localdate()

    @admin.display(description=_("scores (official / team / branch)"))
    def scores(self, obj):
        return " / ".join("–" if score is None else f"{score}★" for score in obj.rating.scores())

    @admin.display(description=_("comment"))
    def comment(self, obj):
        return obj.rating.comment

    @admin.display(description=_("explanation of the official"))
    def explanation_text(self, obj):
        explanation = getattr(obj, "explanation", None)
        return explanation.text if explanation else "–"

    @admin.display(description=_("appeal of the official"))
    def appeal_text(self, obj):
        appeal = getattr(obj, "appeal", None)
        return f"{appeal.text} ({appeal.get_status_display()})" if appeal else "–"

    @admin.display(description=_("declaration"))
    def declaration_number(self, obj):
        return obj.rating.declaration.number

    @admin.display(description=_("enterprise"))
    def enterprise_identity(self, obj):
        return str(obj.rating.declaration.enterprise)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if "_close_case" in request.POST:
                case_conclude(
                    case_id=obj.pk,
                    conclusion=data.get("conclusion") or "",
                    measure=data.get("measure") or "",
                    action_taken=data.get("action_taken") or "",
                    findings=data.get("findings") or "",
                    actor=request.user,
                )
                self.message_user(request, gettext("The case is closed; the enterprise is told the outcome."))
            else:
                case_record_findings(case_id=obj.pk, findings=data.get("findings", ""), actor=request.user)
        except (DomainError, ValidationError) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)

    def save_related(self, request, form, formsets, change):
        """Events are written by the services; nothing else is saved from this page."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:case_id>/reassign/", view(self.reassign_view), name="ratings_followupcase_reassign"),
            path("official/<int:official_id>/", view(self.record_view), name="ratings_official_record"),
            *super().get_urls(),
        ]

    def reassign_view(self, request, case_id: int):
        case = self.get_object(request, str(case_id))
        if case is None or not may_reassign_case(request.user, case):
            raise DjangoPermissionDenied
        form = ReassignForm(request.POST or None)
        form.fields["to_official"].queryset = Official.objects.filter(branch_id=case.branch_id, is_active=True).exclude(
            pk=case.rating.official_id
        )
        if request.method == "POST" and form.is_valid():
            target = form.cleaned_data["to_official"]
            try:
                case_reassign(
                    case_id=case.pk,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    to_official_id=target.pk if target else None,
                )
            except (DomainError, ValidationError) as error:
                form.add_error(None, refusal_text(error))
            else:
                self.message_user(request, gettext("The case is reassigned."))
                return redirect("admin:ratings_followupcase_changelist")
        return action_page(
            self, request, title=gettext("Reassign case %(ref)s") % {"ref": case}, form=form, original=case
        )

    def record_view(self, request, official_id: int):
        """An official's cases and conclusions (never a rater): the official explains and appeals here."""
        official = get_object_or_404(Official.objects.select_related("branch"), pk=official_id)
        if not may_read_official_record(request.user, official):
            raise DjangoPermissionDenied
        own = (staff_official(request.user) or Official()).pk == official.pk
        if request.method == "POST" and own:
            self._record_post(request)
            return redirect("admin:ratings_official_record", official.pk)
        today = timezone.localdate()
        rows = []
        for case in official_cases(official_id=official.pk):
            explanation = getattr(case, "explanation", None)
            appeal = getattr(case, "appeal", None)
            until = appeal_deadline(case)
            rows.append(
                {
                    "case": case,
                    "explanation": explanation,
                    "appeal": appeal,
                    "may_explain": own
                    and case.status == CaseStatus.OPEN
                    and explanation is None
                    and (case.explanation_due is None or today <= case.explanation_due),
                    "may_appeal": own
                    and case.status == CaseStatus.CLOSED
                    and case.conclusion in APPEALABLE_CONCLUSIONS
                    and appeal is None
                    and until is not None
                    and today <= until,
                    "appeal_until": until,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Record of %(name)s") % {"name": official},
            "opts": self.model._meta,
            "official": official,
            "rows": rows,
            "own": own,
        }
        return TemplateResponse(request, "admin/ratings/official_record.html", context)

    def _record_post(self, request) -> None:
        case_id, text = request.POST.get("case"), request.POST.get("text", "")
        action = case_explain if request.POST.get("action") == "explain" else case_appeal
        try:
            action(case_id=int(case_id or 0), text=text, actor=request.user)
        except (DomainError, ValidationError) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
        except (FollowUpCase.DoesNotExist, ValueError):
            self.message_user(request, gettext("This case does not exist."), messages.ERROR)
        else:
            done = gettext("Your explanation is filed.") if action is case_explain else gettext("Your appeal is filed.")
            self.message_user(request, done)
