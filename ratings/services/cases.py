"""Follow-up cases of low ratings: opening, findings, closing with the outcome, overdue reminders."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import DomainError
from customs_feedback.notifications.services import notify
from customs_feedback.organization.models import Official
from customs_feedback.organization.roles import Role
from customs_feedback.workdays import add_working_days, working_days_between
from customs_feedback.workflow import Actor, record_event, record_note, transition
from ratings.models import CaseStatus, Conclusion, Declaration, FollowUpCase, Rating
from ratings.transitions import CASE_ALLOWED


def branch_leader(branch_id: int) -> Official | None:
    """The official who leads the branch: an active official of it whose account has the branch-leader role."""
    group = Group.objects.filter(name=Role.BRANCH_LEADER).first()
    if group is None:
        return None
    return (
        Official.objects.filter(branch_id=branch_id, is_active=True, user__is_active=True, user__groups=group)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def _staff_email(official: Official | None) -> str:
    if official is None:
        return ""
    return official.email or (official.user.email if official.user_id else "")


def _case_admin_url(case: FollowUpCase) -> str:
    return settings.SITE_URL + reverse("admin:ratings_followupcase_change", args=[case.pk])


def case_open(*, rating: Rating, declaration: Declaration) -> FollowUpCase:
    """Open the follow-up case of a low rating, assigned to the branch leader (caller holds the transaction)."""
    now = timezone.now()
    leader = branch_leader(rating.branch_id)
    case = FollowUpCase.objects.create(
        reference=f"TD-{timezone.localdate(now).year}-{rating.pk:06d}",
        rating=rating,
        branch_id=rating.branch_id,
        assigned_to=leader,
        opened_at=now,
        due_date=add_working_days(now, settings.RATING_FOLLOWUP_WORKING_DAYS),
    )
    record_event(case, to_status=CaseStatus.OPEN)
    recipient = _staff_email(leader)
    if recipient:
        notify(
            kind="followup_case_opened",
            recipient=recipient,
            language=settings.LANGUAGE_CODE,
            context={
                "case_reference": case.reference,
                "branch_name": declaration.branch.name_vi,
                "due_date": case.due_date,
                "admin_url": _case_admin_url(case),
            },
            idempotency_key=f"followup-opened:{case.pk}",
            obj=case,
        )
    return case


@transaction.atomic
def case_record_findings(*, case_id: int, findings: str, actor: Actor) -> FollowUpCase:
    """Save what the investigation found so far (the case stays open)."""
    case = FollowUpCase.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.OPEN:
        raise DomainError(_("This case is closed."))
    case.findings = findings.strip()
    case.save(update_fields=["findings"])
    record_note(case, actor=actor, note=_("Findings recorded."))
    return case


@transaction.atomic
def case_close(
    *, case_id: int, conclusion: str, action_taken: str, actor: Actor, findings: str | None = None
) -> FollowUpCase:
    """Close a case with the conclusion on the official's responsibility; the enterprise hears the outcome."""
    case = FollowUpCase.objects.select_for_update().select_related("rating__declaration__enterprise").get(pk=case_id)
    errors = {}
    if conclusion not in Conclusion.values:
        errors["conclusion"] = [_("Choose whether the complaint is substantiated.")]
    if not (action_taken or "").strip():
        errors["action_taken"] = [_("Describe the action taken.")]
    if findings is not None:
        case.findings = findings.strip()
    if not case.findings:
        errors["findings"] = [_("Record the findings before closing the case.")]
    if errors:
        raise ValidationError(errors)
    transition(
        case,
        CaseStatus.CLOSED,
        allowed=CASE_ALLOWED,
        actor=actor,
        note=str(Conclusion(conclusion).label),
        fields={
            "conclusion": conclusion,
            "action_taken": action_taken.strip(),
            "findings": case.findings,
            "closed_at": timezone.now(),
        },
    )
    declaration = case.rating.declaration
    enterprise = declaration.enterprise
    if enterprise.email:
        notify(
            kind="rating_outcome",
            recipient=enterprise.email,
            language=enterprise.language,
            context={
                "company_name": enterprise.name_vi or enterprise.name_en or enterprise.tax_code,
                "declaration_number": declaration.number,
                "conclusion": Conclusion(conclusion).label,
                "action_taken": case.action_taken,
            },
            idempotency_key=f"rating-outcome:{case.pk}",
            obj=case,
        )
    return case


def _escalation_recipients() -> list[str]:
    group = Group.objects.filter(name=Role.DEPARTMENT_LEADERSHIP).first()
    if group is None:
        return []
    return sorted(set(group.user_set.filter(is_active=True).exclude(email="").values_list("email", flat=True)))


def cases_remind_overdue(*, today: date | None = None) -> tuple[int, int]:
    """Remind the investigator of each overdue open case once a day; escalate long-overdue ones once.

    Returns (reminded, escalated). Safe to run twice a day: reminders are keyed by case and day.
    """
    today = today or timezone.localdate()
    reminded = escalated = 0
    overdue = FollowUpCase.objects.filter(status=CaseStatus.OPEN, due_date__lt=today).exclude(last_reminded_on=today)
    for case_id in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            case = (
                FollowUpCase.objects.select_for_update(of=("self",))
                .select_related("branch", "assigned_to__user")
                .get(pk=case_id)
            )
            if case.status != CaseStatus.OPEN or case.last_reminded_on == today:
                continue
            context = {
                "case_reference": case.reference,
                "branch_name": case.branch.name_vi,
                "due_date": case.due_date,
                "admin_url": _case_admin_url(case),
                "escalated": False,
            }
            recipient = _staff_email(case.assigned_to)
            if recipient:
                notify(
                    kind="followup_case_overdue",
                    recipient=recipient,
                    language=settings.LANGUAGE_CODE,
                    context=context,
                    idempotency_key=f"followup-overdue:{case.pk}:{today.isoformat()}",
                    obj=case,
                )
            case.last_reminded_on = today
            fields = ["last_reminded_on"]
            late = working_days_between(case.due_date, today)
            if case.escalated_at is None and late >= settings.RATING_FOLLOWUP_ESCALATE_AFTER_WORKING_DAYS:
                case.escalated_at = timezone.now()
                fields.append("escalated_at")
                for address in _escalation_recipients():
                    notify(
                        kind="followup_case_overdue",
                        recipient=address,
                        language=settings.LANGUAGE_CODE,
                        context={**context, "escalated": True},
                        idempotency_key=f"followup-escalated:{case.pk}:{address}",
                        obj=case,
                    )
                record_note(case, note=_("Escalated: overdue."))
                escalated += 1
            case.save(update_fields=fields)
            reminded += 1
    return reminded, escalated
