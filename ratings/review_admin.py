"""Back office of the trust loop's reviews: contested rejections (inspection desk), appeals (leadership),
the gaming review queue and the identity-view log. Decisions are made through services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import refusal_text
from customs_feedback.organization.admin_mixins import (
    ReadOnlyAdminMixin,
    ScopedModelAdmin,
    ServiceWrittenAdminMixin,
    StatusEventInline,
)
from ratings.access import is_department_leadership, may_decide_contest
from ratings.case_admin import action_page
from ratings.gaming import flag_review
from ratings.models import (
    AppealStatus,
    CaseAppeal,
    CaseAppealEvent,
    ContestStatus,
    RaterIdentityView,
    RatingContest,
    RatingContestEvent,
    RatingFlag,
    RatingFlagEvent,
)
from ratings.services import (
    case_appeal_decide,
    rating_contest_decide,
)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reasons (sent on)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class DecisionAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """A record filed, then decided once through a form (contest, appeal): `decide()` calls the service."""

    change_form_template = "admin/ratings/decision_change_form.html"
    list_filter = ["status"]
    date_hierarchy = "filed_at"
    decisions: list = []  # the statuses a decision may end in, as the form offers them

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
        form.fields["decision"].choices = [(status.value, status.label) for status in self.decisions]
        if request.method == "POST" and form.is_valid():
            try:
                self.decide(request, obj, form.cleaned_data["decision"], form.cleaned_data["note"])
            except (DomainError, ValidationError) as error:
                form.add_error(None, refusal_text(error))
            else:
                self.message_user(request, gettext("The decision is recorded and sent on."))
                return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        return action_page(self, request, title=gettext("Decide: %(what)s") % {"what": obj}, form=form, original=obj)


class RatingContestEventInline(StatusEventInline):
    model = RatingContestEvent


@admin.register(RatingContest)
class RatingContestAdmin(DecisionAdmin):
    list_display = ["__str__", "status", "filed_at", "decided_at"]
    search_fields = ["rating__pk"]
    fields = ["rating", "rejection", "text", "filed_at", "status", "decision_note", "decided_at"]
    readonly_fields = fields
    inlines = [RatingContestEventInline]
    decisions = [ContestStatus.UPHELD, ContestStatus.REINSTATED]

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
    search_fields = ["case__reference"]
    fields = ["case", "official", "conclusion", "text", "filed_at", "status", "decision_note", "decided_at"]
    readonly_fields = fields
    inlines = [CaseAppealEventInline]
    decisions = [AppealStatus.UPHELD, AppealStatus.OVERTURNED]

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
