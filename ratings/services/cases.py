"""Follow-up cases of low ratings: opening (routed so nobody investigates themselves), the official's
explanation, findings, the conclusion with its measure, the official's one appeal to department leadership,
and overdue reminders."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict, DomainError, PermissionDenied
from customs_feedback.organization.roles import Role
from customs_feedback.organization.scoping import staff_official
from customs_feedback.organization.selectors import emails_of_role, official_email
from customs_feedback.workdays import add_working_days, working_days_between
from customs_feedback.workflow import create_with_event, record_event, record_note, transition
from ratings.access import is_department_leadership, may_investigate
from ratings.models import (
    APPEALABLE_CONCLUSIONS,
    INVESTIGATED_CONCLUSIONS,
    AppealStatus,
    CaseAppeal,
    CaseDesk,
    CaseExplanation,
    CaseStatus,
    Conclusion,
    FollowUpCase,
    Measure,
    Rating,
)
from ratings.record_selectors import appeal_deadline
from ratings.services.notices import (
    _admin_url,
    _tell_enterprise,
    _tell_staff,
    case_announce,
    case_parties,
    record_url,
)
from ratings.transitions import APPEAL_ALLOWED, CASE_ALLOWED


def case_open(*, rating: Rating) -> FollowUpCase:
    """Open the follow-up case of a low rating, routed to its investigator (caller holds the transaction)."""
    now = timezone.now()
    parties = case_parties(rating)
    due_date, explanation_due = _case_deadlines(now)
    case = FollowUpCase(
        reference=f"TD-{timezone.localdate(now).year}-{rating.pk:06d}",
        rating=rating,
        branch_id=rating.branch_id,
        desk=parties.desk,
        assigned_to_id=parties.investigator_id,
        opened_at=now,
        due_date=due_date,
        explanation_due=explanation_due,
    )
    # On PostgreSQL: the case with its event in one statement, its notices in another.
    create_with_event(case, to_status=CaseStatus.OPEN, note=str(case.get_desk_display()))
    case_announce(case, parties)
    return case


def _case_deadlines(now) -> tuple[date, date]:
    """The case's due date and the official's deadline to explain (the calendar is read once: see workdays)."""
    return (
        add_working_days(now, settings.RATING_FOLLOWUP_WORKING_DAYS),
        add_working_days(now, settings.RATING_EXPLANATION_WORKING_DAYS),
    )


def reopen_case(rating: Rating, *, actor) -> None:
    """A reinstated low rating is investigated (again): its case reopens with fresh deadlines."""
    if not rating.is_low:
        return
    case = FollowUpCase.objects.select_for_update().filter(rating=rating).first()
    if case is None:
        case_open(rating=rating)
        return
    now = timezone.now()
    parties = case_parties(rating)
    due_date, explanation_due = _case_deadlines(now)
    case = transition(
        case,
        to=CaseStatus.OPEN,
        allowed=CASE_ALLOWED,
        actor=actor,
        note=_("Reopened: the rating was reinstated."),
        fields={
            "conclusion": "",
            "closed_at": None,
            "opened_at": now,
            "desk": parties.desk,
            "assigned_to_id": parties.investigator_id,
            "due_date": due_date,
            "explanation_due": explanation_due,
        },
    )
    case_announce(case, parties)


@transaction.atomic
def _locked_case(case_id: int) -> FollowUpCase:
    return (
        FollowUpCase.objects.select_for_update(of=("self",))
        .select_related("rating__declaration__enterprise", "rating__official__user", "branch")
        .get(pk=case_id)
    )


@transaction.atomic
def case_explain(*, case_id: int, text: str, actor) -> CaseExplanation:
    """The official rated files their written explanation, once, before its deadline."""
    if not (text or "").strip():
        raise ValidationError({"text": [_("Write your explanation.")]})
    case = _locked_case(case_id)
    official = staff_official(actor)
    if official is None or official.pk != case.rating.official_id:
        raise PermissionDenied(_("Only the official rated may explain."))
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("This case is closed."))
    if CaseExplanation.objects.filter(case=case).exists():
        raise Conflict(_("Your explanation has already been filed."))
    if case.explanation_due and timezone.localdate() > case.explanation_due:
        raise DomainError(_("The time to explain ended on %(date)s.") % {"date": f"{case.explanation_due:%d/%m/%Y}"})
    explanation = CaseExplanation.objects.create(case=case, official=official, text=text.strip()[:5000])
    record_note(case, actor=actor, note=_("Explanation filed."))
    return explanation


@transaction.atomic
def case_conclude(
    *, case_id: int, conclusion: str, measure: str, actor, findings: str | None = None, action_taken: str = ""
) -> FollowUpCase:
    """Close a case with the conclusion and its measure; the enterprise and the official are told."""
    case = _locked_case(case_id)
    if not may_investigate(actor, case):
        raise PermissionDenied(_("Only the case's investigator may conclude it."))
    errors = {}
    if conclusion not in INVESTIGATED_CONCLUSIONS:
        errors["conclusion"] = [_("Choose whether the complaint is substantiated.")]
    if measure not in Measure.values:
        errors["measure"] = [_("Choose the measure taken.")]
    findings = (findings if findings is not None else case.findings).strip()
    if not findings:
        errors["findings"] = [_("Record the findings before closing the case.")]
    if errors:
        raise ValidationError(errors)
    explained = CaseExplanation.objects.filter(case=case).exists()
    if not explained and case.explanation_due and timezone.localdate() <= case.explanation_due:
        raise Conflict(
            _("The official may still explain until %(date)s: conclude once the explanation is in or the time is over.")
            % {"date": f"{case.explanation_due:%d/%m/%Y}"}
        )
    case = transition(
        case,
        to=CaseStatus.CLOSED,
        allowed=CASE_ALLOWED,
        actor=actor,
        note=f"{Conclusion(conclusion).label} — {Measure(measure).label}",
        fields={
            "conclusion": conclusion,
            "measure": measure,
            "findings": findings,
            "action_taken": (action_taken or "").strip(),
            "closed_at": timezone.now(),
        },
    )
    _announce_conclusion(case)
    return case


def _announce_conclusion(case: FollowUpCase, *, revision: str = "") -> None:
    """The enterprise hears the outcome; the official hears it with their appeal deadline (a revision after
    an appeal reaches the official as the appeal's decision instead)."""
    rating = case.rating
    _tell_enterprise(
        rating,
        kind="rating_outcome",
        key=f"rating-outcome:{case.pk}{revision}",
        conclusion=Conclusion(case.conclusion).label,
        measure=Measure(case.measure).label if case.measure else "",
        action_taken=case.action_taken,
    )
    if revision:
        return
    _tell_staff(
        [address for address in [official_email(rating.official)] if address],
        kind="followup_case_concluded",
        key=f"followup-concluded:{case.pk}",
        obj=case,
        case_reference=case.reference,
        conclusion=Conclusion(case.conclusion).label,
        measure=Measure(case.measure).label if case.measure else "",
        appeal_until=appeal_deadline(case) if case.conclusion in APPEALABLE_CONCLUSIONS else None,
        record_url=record_url(rating.official_id),
    )


def ensure_filed_once_in_time(*, already_filed: bool, deadline: date | None, once: str, too_late: str) -> None:
    """A contest or an appeal is filed once, up to its deadline (that day included); `too_late` names %(date)s."""
    if already_filed:
        raise Conflict(once)
    if deadline is not None and timezone.localdate() > deadline:
        raise DomainError(too_late % {"date": f"{deadline:%d/%m/%Y}"})


@transaction.atomic
def case_appeal(*, case_id: int, text: str, actor) -> CaseAppeal:
    """The official appeals a substantiated conclusion to department leadership, once, within the deadline."""
    if not (text or "").strip():
        raise ValidationError({"text": [_("Give the grounds of your appeal.")]})
    case = _locked_case(case_id)
    official = staff_official(actor)
    if official is None or official.pk != case.rating.official_id:
        raise PermissionDenied(_("Only the official rated may appeal the conclusion."))
    if case.conclusion not in APPEALABLE_CONCLUSIONS:
        raise Conflict(_("Only a substantiated conclusion can be appealed."))
    ensure_filed_once_in_time(
        already_filed=CaseAppeal.objects.filter(case=case).exists(),
        deadline=appeal_deadline(case),
        once=_("This conclusion has already been appealed; it may be appealed once."),
        too_late=_("The time to appeal ended on %(date)s."),
    )
    case = transition(case, to=CaseStatus.APPEALED, allowed=CASE_ALLOWED, actor=actor, note=_("Appealed."))
    appeal = CaseAppeal.objects.create(case=case, official=official, text=text.strip()[:5000])
    record_event(appeal, actor=actor, to_status=AppealStatus.PENDING)
    _tell_staff(
        emails_of_role(Role.DEPARTMENT_LEADERSHIP),
        kind="followup_appeal_filed",
        key=f"appeal-filed:{appeal.pk}",
        obj=appeal,
        case_reference=case.reference,
        admin_url=_admin_url("admin:ratings_caseappeal_change", appeal.pk),
    )
    return appeal


@transaction.atomic
def case_appeal_decide(*, appeal_id: int, overturn: bool, note: str, actor) -> CaseAppeal:
    """Department leadership upholds the conclusion or overturns it (then: not substantiated, no measure)."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("Write the reasons for the decision.")]})
    if not is_department_leadership(actor):
        raise PermissionDenied(_("Only department leadership decides an appeal."))
    appeal = CaseAppeal.objects.select_for_update().get(pk=appeal_id)
    case = _locked_case(appeal.case_id)
    outcome = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    appeal = transition(
        appeal,
        to=outcome,
        allowed=APPEAL_ALLOWED,
        actor=actor,
        note=note.strip(),
        fields={"decision_note": note.strip(), "decided_at": timezone.now()},
    )
    fields = {"conclusion": Conclusion.NOT_SUBSTANTIATED, "measure": Measure.NONE} if overturn else {}
    case = transition(
        case, to=CaseStatus.CLOSED, allowed=CASE_ALLOWED, actor=actor, note=appeal.get_status_display(), fields=fields
    )
    _tell_staff(
        [address for address in [official_email(case.rating.official)] if address],
        kind="followup_appeal_decided",
        key=f"appeal-decided:{appeal.pk}",
        obj=appeal,
        case_reference=case.reference,
        decision=AppealStatus(outcome).label,
        note=note.strip(),
        record_url=record_url(case.rating.official_id),
    )
    if overturn:
        _announce_conclusion(case, revision=":appeal")
    return appeal


@transaction.atomic
def case_record_findings(*, case_id: int, findings: str, actor) -> FollowUpCase:
    """Save what the investigation found so far (the case stays open): the investigator only."""
    case = _locked_case(case_id)
    if not may_investigate(actor, case):
        raise PermissionDenied(_("Only the case's investigator may record findings."))
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("This case is closed."))
    case.findings = (findings or "").strip()
    case.save(update_fields=["findings"])
    record_note(case, actor=actor, note=_("Findings recorded."))
    return case


def _case_admin_url(case: FollowUpCase) -> str:
    return settings.SITE_URL + reverse("admin:ratings_followupcase_change", args=[case.pk])


def _investigator_emails(case: FollowUpCase) -> list[str]:
    """Who is reminded of an overdue case: its investigator, or the inspection desk for a case routed there."""
    if case.desk == CaseDesk.INSPECTION:
        return emails_of_role(Role.INSPECTION_DESK)
    return [address for address in [official_email(case.assigned_to)] if address]


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
            _tell_staff(
                _investigator_emails(case),
                kind="followup_case_overdue",
                key=f"followup-overdue:{case.pk}:{today.isoformat()}",
                obj=case,
                **context,
            )
            case.last_reminded_on = today
            fields = ["last_reminded_on"]
            late = working_days_between(case.due_date, today)
            if case.escalated_at is None and late >= settings.RATING_FOLLOWUP_ESCALATE_AFTER_WORKING_DAYS:
                case.escalated_at = timezone.now()
                fields.append("escalated_at")
                _tell_staff(
                    emails_of_role(Role.DEPARTMENT_LEADERSHIP),
                    kind="followup_case_overdue",
                    key=f"followup-escalated:{case.pk}",
                    obj=case,
                    **{**context, "escalated": True},
                )
                record_note(case, note=_("Escalated: overdue."))
                escalated += 1
            case.save(update_fields=fields)
            reminded += 1
    return reminded, escalated
