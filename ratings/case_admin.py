"""Back office of the trust loop: follow-up cases (investigate, reassign, conclude), the official's record
page (explain, appeal), contested rejections, appeals, the gaming review queue and the identity-view log.

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
    ReadOnlyAdminMixin,
    ScopedModelAdmin,
    ServiceWrittenAdminMixin,
    StatusEventInline,
    branch_column,
)
from customs_feedback.organization.models import Official
from ratings.gaming import flag_review
from ratings.models import (
    APPEALABLE_CONCLUSIONS,
    INVESTIGATED_CONCLUSIONS,
    AppealStatus,
    CaseAppeal,
    CaseAppealEvent,
    CaseStatus,
    ContestStatus,
    FollowUpCase,
    FollowUpCaseEvent,
    RaterIdentityView,
    RatingContest,
    RatingContestEvent,
    RatingFlag,
    RatingFlagEvent,
)
from ratings.record_selectors import appeal_deadline, official_cases
from ratings.selectors import (
    is_department_leadership,
    may_decide_contest,
    may_investigate,
    may_read_official_record,
    may_reassign_case,
    may_see_rater,
    staff_official,
)
from ratings.services import (
    case_appeal,
    case_appeal_decide,
    case_conclude,
    case_explain,
    case_reassign,
    case_record_findings,
    rater_identity_viewed,
    rating_contest_decide,
)


def _action_page(model_admin, request, *, title: str, form, original=None, intro: str = "", submit: str = ""):
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
        return _action_page(
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


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reasons (sent on)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class DecisionAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """A record decided once through a form (contest, appeal): `decide()` calls the service."""

    change_form_template = "admin/ratings/decision_change_form.html"
    decision_choices: list = []

    def may_decide(self, request, obj) -> bool:
        raise NotImplementedError

    def decide(self, request, obj, decision: str, note: str) -> None:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {"may_decide": obj is not None and obj.status == "pending" and self.may_decide(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context={**extra, **(extra_context or {})})

    def get_urls(self):
        opts = self.model._meta
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", decide, name=f"{opts.app_label}_{opts.model_name}_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        obj = self.get_object(request, str(pk))
        if obj is None or not self.may_decide(request, obj):
            raise DjangoPermissionDenied
        form = DecisionForm(request.POST or None)
        form.fields["decision"].choices = self.decision_choices
        if request.method == "POST" and form.is_valid():
            try:
                self.decide(request, obj, form.cleaned_data["decision"], form.cleaned_data["note"])
            except (DomainError, ValidationError) as error:
                form.add_error(None, refusal_text(error))
            else:
                self.message_user(request, gettext("The decision is recorded and sent on."))
                return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        return _action_page(self, request, title=gettext("Decide: %(what)s") % {"what": obj}, form=form, original=obj)


class RatingContestEventInline(StatusEventInline):
    model = RatingContestEvent


@admin.register(RatingContest)
class RatingContestAdmin(DecisionAdmin):
    list_display = ["__str__", "status", "filed_at", "decided_at"]
    list_filter = ["status"]
    date_hierarchy = "filed_at"
    search_fields = ["rating__pk"]
    fields = ["rating", "rejection", "text", "filed_at", "status", "decision_note", "decided_at"]
    readonly_fields = fields
    inlines = [RatingContestEventInline]
    decision_choices = [
        (ContestStatus.UPHELD.value, ContestStatus.UPHELD.label),
        (ContestStatus.REINSTATED.value, ContestStatus.REINSTATED.label),
    ]

    @admin.display(description=_("rejection"))
    def rejection(self, obj):
        return f"{obj.rating.get_rejection_reason_display()}: {obj.rating.rejection_note}"

    def may_decide(self, request, obj) -> bool:
        return may_decide_contest(request.user, obj.rating)

    def decide(self, request, obj, decision, note):
        rating_contest_decide(
            contest_id=obj.pk, reinstate=decision == ContestStatus.REINSTATED, note=note, actor=request.user
        )


class CaseAppealEventInline(StatusEventInline):
    model = CaseAppealEvent


@admin.register(CaseAppeal)
class CaseAppealAdmin(DecisionAdmin):
    list_display = ["case", "official", "status", "filed_at", "decided_at"]
    list_filter = ["status"]
    date_hierarchy = "filed_at"
    search_fields = ["case__reference"]
    fields = ["case", "official", "conclusion", "text", "filed_at", "status", "decision_note", "decided_at"]
    readonly_fields = fields
    inlines = [CaseAppealEventInline]
    decision_choices = [
        (AppealStatus.UPHELD.value, AppealStatus.UPHELD.label),
        (AppealStatus.OVERTURNED.value, AppealStatus.OVERTURNED.label),
    ]

    @admin.display(description=_("conclusion"))
    def conclusion(self, obj):
        return f"{obj.case.get_conclusion_display()} — {obj.case.get_measure_display()}"

    def may_decide(self, request, obj) -> bool:
        return is_department_leadership(request.user)

    def decide(self, request, obj, decision, note):
        case_appeal_decide(
            appeal_id=obj.pk, overturn=decision == AppealStatus.OVERTURNED, note=note, actor=request.user
        )


class RatingFlagEventInline(StatusEventInline):
    model = RatingFlagEvent


@admin.register(RatingFlag)
class RatingFlagAdmin(ServiceWrittenAdminMixin, ScopedModelAdmin):
    """The gaming review queue of the inspection desk; reviewing a flag never changes a score."""

    list_display = ["kind", "official", "enterprise", "api_client", "detected_at", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["official", "enterprise", "api_client"]
    date_hierarchy = "detected_at"
    fields = ["kind", "summary", "official", "enterprise", "api_client", "rating_list", "detected_at", "status"]
    readonly_fields = fields
    inlines = [RatingFlagEventInline]
    actions = ["dismiss", "confirm"]

    @admin.display(description=_("ratings"))
    def rating_list(self, obj):
        return ", ".join(f"#{pk}" for pk in obj.ratings.values_list("pk", flat=True))

    def _review(self, request, queryset, *, confirmed: bool):
        done = 0
        for flag in queryset:
            try:
                flag_review(
                    flag_id=flag.pk,
                    confirmed=confirmed,
                    note=gettext("Reviewed in the back office."),
                    actor=request.user,
                )
            except (DomainError, ValidationError) as error:
                self.message_user(request, f"{flag}: {refusal_text(error)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, gettext("%(count)s flags reviewed; no score was changed.") % {"count": done})

    @admin.action(description=_("Reviewed: nothing wrong"), permissions=["change"])
    def dismiss(self, request, queryset):
        self._review(request, queryset, confirmed=False)

    @admin.action(description=_("Reviewed: gaming confirmed"), permissions=["change"])
    def confirm(self, request, queryset):
        self._review(request, queryset, confirmed=True)


@admin.register(RaterIdentityView)
class RaterIdentityViewAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """Who looked at which rater's identity, and where: read-only."""

    list_display = ["viewed_at", "viewer", "rating", "where"]
    list_filter = ["where"]
    date_hierarchy = "viewed_at"
    list_select_related = ["viewer", "rating"]
