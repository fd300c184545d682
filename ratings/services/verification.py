"""Writes of the trust loop: independent verification, contests, routing and reassignment of cases, the
official's explanation and appeal, conclusions with a measure, and the notices each step sends."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict, DomainError, PermissionDenied
from customs_feedback.notifications.services import notify
from customs_feedback.organization.models import Official
from customs_feedback.organization.roles import Role
from customs_feedback.organization.selectors import branch_leader, emails_of_role, official_email
from customs_feedback.workdays import add_working_days
from customs_feedback.workflow import record_event, record_note, transition
from ratings.links import rating_status_url
from ratings.models import (
    CaseDesk,
    CaseStatus,
    Conclusion,
    ContestStatus,
    FollowUpCase,
    RaterIdentityView,
    Rating,
    RatingContest,
    RatingStatus,
    RejectionReason,
)
from ratings.record_selectors import contest_deadline
from ratings.rollups import rating_counters, rollup_add
from ratings.selectors import (
    may_decide_contest,
    may_reassign_case,
    may_verify_rating,
)
from ratings.transitions import CASE_ALLOWED, CONTEST_ALLOWED, RATING_ALLOWED, RATING_REINSTATE_ALLOWED

# --- Notices ----------------------------------------------------------------------------------------


def _company(rating: Rating) -> tuple:
    enterprise = rating.declaration.enterprise
    return enterprise, enterprise.name_vi or enterprise.name_en or enterprise.tax_code


def _tell_enterprise(rating: Rating, *, kind: str, key: str, **context) -> None:
    enterprise, company_name = _company(rating)
    if not enterprise.email:
        return
    notify(
        kind=kind,
        recipient=enterprise.email,
        language=enterprise.language,
        context={
            "company_name": company_name,
            "declaration_number": rating.declaration.number,
            "status_url": rating_status_url(rating.pk),
            **context,
        },
        idempotency_key=key,
        obj=rating,
    )


def _tell_staff(addresses: list[str], *, kind: str, key: str, obj, **context) -> None:
    for address in addresses:
        notify(
            kind=kind,
            recipient=address,
            language=settings.LANGUAGE_CODE,
            context=context,
            idempotency_key=f"{key}:{address}",
            obj=obj,
        )


def _admin_url(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def record_url(official_id: int) -> str:
    return settings.SITE_URL + reverse("admin:ratings_official_record", args=[official_id])


# --- Verification and contests ----------------------------------------------------------------------


def _locked_rating(rating_id: int) -> Rating:
    return Rating.objects.select_for_update(of=("self",)).select_related("declaration__enterprise").get(pk=rating_id)


def _rollup(rating: Rating, sign: int) -> None:
    key = (rating.submitted_on, rating.branch_id, rating.team_id, rating.official_id)
    rollup_add({key: rating_counters(rating, sign)})


@transaction.atomic
def rating_verify(*, rating_id: int, actor) -> Rating:
    """Confirm a received rating as genuine: the rated branch's leader or the inspection desk only."""
    rating = _locked_rating(rating_id)
    if not may_verify_rating(actor, rating):
        raise PermissionDenied(
            _(
                "Only the leader of the rated branch or the inspection desk may verify a rating, "
                "never an official it names."
            )
        )
    return transition(rating, to=RatingStatus.VERIFIED, allowed=RATING_ALLOWED, actor=actor)


@transaction.atomic
def rating_reject(*, rating_id: int, reason: str, note: str, actor) -> Rating:
    """Set a rating aside (kept, no longer counted), close its case, and tell the enterprise why."""
    errors = {}
    if reason not in RejectionReason.values:
        errors["reason"] = [_("Choose why the rating is rejected.")]
    if not (note or "").strip():
        errors["note"] = [_("Write a note explaining the rejection; the enterprise is told.")]
    if errors:
        raise ValidationError(errors)
    rating = _locked_rating(rating_id)
    if not may_verify_rating(actor, rating):
        raise PermissionDenied(
            _(
                "Only the leader of the rated branch or the inspection desk may reject a rating, "
                "never an official it names."
            )
        )
    now = timezone.now()
    rating = transition(
        rating,
        to=RatingStatus.REJECTED,
        allowed=RATING_ALLOWED,
        actor=actor,
        note=note.strip(),
        fields={"rejection_reason": reason, "rejection_note": note.strip(), "rejected_at": now},
    )
    _rollup(rating, -1)
    case = FollowUpCase.objects.select_for_update().filter(rating=rating).first()
    if case is not None and case.status == CaseStatus.OPEN:
        transition(
            case,
            to=CaseStatus.CLOSED,
            allowed=CASE_ALLOWED,
            actor=actor,
            note=_("The rating was rejected."),
            fields={"conclusion": Conclusion.RATING_REJECTED, "closed_at": now},
        )
    _tell_enterprise(
        rating,
        kind="rating_rejected",
        key=f"rating-rejected:{rating.pk}:{now.timestamp()}",
        reason=RejectionReason(reason).label,
        note=note.strip(),
        contest_until=contest_deadline(rating),
    )
    return rating


@transaction.atomic
def rating_contest(*, rating_id: int, text: str) -> RatingContest:
    """The enterprise contests the rejection of its rating, once, within the working-day deadline."""
    if not (text or "").strip():
        raise ValidationError({"text": [_("Say why the rejection is wrong.")]})
    rating = _locked_rating(rating_id)
    if rating.status != RatingStatus.REJECTED:
        raise Conflict(_("Only a rejected rating can be contested."))
    if RatingContest.objects.filter(rating=rating).exists():
        raise Conflict(_("This rejection has already been contested; a rejection may be contested once."))
    deadline = contest_deadline(rating)
    if deadline is not None and timezone.localdate() > deadline:
        raise DomainError(_("The time to contest this rejection ended on %(date)s.") % {"date": f"{deadline:%d/%m/%Y}"})
    contest = RatingContest.objects.create(rating=rating, text=text.strip()[:2000])
    record_event(contest, to_status=ContestStatus.PENDING, note=_("Contested by the enterprise."))
    _tell_staff(
        emails_of_role(Role.INSPECTION_DESK),
        kind="rating_contest_filed",
        key=f"contest-filed:{contest.pk}",
        obj=contest,
        rating_id=rating.pk,
        admin_url=_admin_url("admin:ratings_ratingcontest_change", contest.pk),
    )
    return contest


@transaction.atomic
def rating_contest_decide(*, contest_id: int, reinstate: bool, note: str, actor) -> RatingContest:
    """The inspection desk upholds the rejection or reinstates the rating (counted again, case reopened)."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("Write the reasons for the decision; the enterprise is told.")]})
    contest = RatingContest.objects.select_for_update().get(pk=contest_id)
    rating = _locked_rating(contest.rating_id)
    if not may_decide_contest(actor, rating):
        raise PermissionDenied(_("Only the inspection desk decides a contested rejection."))
    outcome = ContestStatus.REINSTATED if reinstate else ContestStatus.UPHELD
    now = timezone.now()
    contest = transition(
        contest,
        to=outcome,
        allowed=CONTEST_ALLOWED,
        actor=actor,
        note=note.strip(),
        fields={"decision_note": note.strip(), "decided_at": now},
    )
    if reinstate:
        rating = transition(
            rating,
            to=RatingStatus.VERIFIED,
            allowed=RATING_REINSTATE_ALLOWED,
            actor=actor,
            note=_("Reinstated after the enterprise's contest."),
            fields={"rejection_reason": "", "rejection_note": "", "rejected_at": None},
        )
        _rollup(rating, +1)
        _reopen_case(rating, actor=actor)
    _tell_enterprise(
        rating,
        kind="rating_contest_decided",
        key=f"contest-decided:{contest.pk}",
        decision=ContestStatus(outcome).label,
        note=note.strip(),
    )
    return contest


# --- Cases: routing, reassignment ------------------------------------------------------------------


def case_route(rating: Rating) -> tuple[str, Official | None]:
    """Who investigates: the branch leader, or the inspection desk when the leader is the official rated
    (or the branch has no leader). Nobody investigates themselves."""
    leader = branch_leader(rating.branch_id)
    if leader is None or leader.pk == rating.official_id:
        return CaseDesk.INSPECTION, None
    return CaseDesk.BRANCH, leader


def case_announce(case: FollowUpCase) -> None:
    """Tell the investigator (or the inspection desk) of a new case, and the official rated that they may
    explain (never who rated). The caller holds the transaction."""
    context = {
        "case_reference": case.reference,
        "branch_name": case.branch.name_vi,
        "due_date": case.due_date,
        "admin_url": _admin_url("admin:ratings_followupcase_change", case.pk),
    }
    if case.desk == CaseDesk.INSPECTION:
        recipients = emails_of_role(Role.INSPECTION_DESK)
    else:
        recipients = [address for address in [official_email(case.assigned_to)] if address]
    stamp = case.opened_at.timestamp()
    _tell_staff(recipients, kind="followup_case_opened", key=f"followup-opened:{case.pk}:{stamp}", obj=case, **context)
    official = case.rating.official
    _tell_staff(
        [address for address in [official_email(official)] if address],
        kind="followup_case_explain",
        key=f"followup-explain:{case.pk}:{stamp}",
        obj=case,
        case_reference=case.reference,
        explanation_due=case.explanation_due,
        record_url=record_url(official.pk),
    )


def _reopen_case(rating: Rating, *, actor) -> None:
    """A reinstated low rating is investigated (again): its case reopens with fresh deadlines."""
    if not rating.is_low:
        return
    from ratings.services.cases import case_open

    case = FollowUpCase.objects.select_for_update().filter(rating=rating).first()
    if case is None:
        case_open(rating=rating)
        return
    now = timezone.now()
    desk, investigator = case_route(rating)
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
            "desk": desk,
            "assigned_to": investigator,
            "due_date": add_working_days(now, settings.RATING_FOLLOWUP_WORKING_DAYS),
            "explanation_due": add_working_days(now, settings.RATING_EXPLANATION_WORKING_DAYS),
        },
    )
    case_announce(case)


@transaction.atomic
def case_reassign(*, case_id: int, actor, reason: str, to_official_id: int | None = None) -> FollowUpCase:
    """Hand a case to another official of its branch, or (no official) to the inspection desk, with a reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the reassignment.")]})
    case = FollowUpCase.objects.select_for_update(of=("self",)).select_related("rating", "branch").get(pk=case_id)
    if not may_reassign_case(actor, case):
        raise PermissionDenied(_("Only the branch's leader or the inspection desk may reassign a case."))
    if case.status != CaseStatus.OPEN:
        raise Conflict(_("Only an open case can be reassigned."))
    target = None
    if to_official_id is not None:
        target = Official.objects.select_related("user").filter(pk=to_official_id, is_active=True).first()
        if target is None or target.branch_id != case.branch_id:
            raise ValidationError({"to_official": [_("Choose an active official of the case's branch.")]})
        if target.pk == case.rating.official_id:
            raise ValidationError({"to_official": [_("The official rated cannot investigate their own case.")]})
    desk = CaseDesk.BRANCH if target is not None else CaseDesk.INSPECTION
    label = str(target) if target is not None else str(CaseDesk.INSPECTION.label)
    case.desk, case.assigned_to = desk, target
    case.save(update_fields=["desk", "assigned_to"])
    record_note(case, actor=actor, note=_("Reassigned to %(to)s: %(reason)s") % {"to": label, "reason": reason.strip()})
    recipients = emails_of_role(Role.INSPECTION_DESK) if target is None else [official_email(target)]
    _tell_staff(
        [address for address in recipients if address],
        kind="followup_case_opened",
        key=f"followup-reassigned:{case.pk}:{timezone.now().timestamp()}",
        obj=case,
        case_reference=case.reference,
        branch_name=case.branch.name_vi,
        due_date=case.due_date,
        admin_url=_admin_url("admin:ratings_followupcase_change", case.pk),
    )
    return case


def rater_identity_viewed(*, rating_id: int, viewer, where: str) -> None:
    """Log one look at the enterprise behind a rating (the audit trail of rater protection)."""
    RaterIdentityView.objects.create(rating_id=rating_id, viewer=viewer, where=where[:64])
