"""Writes of the trust loop: independent verification, contests, routing and reassignment of cases, the
official's explanation and appeal, conclusions with a measure, and the notices each step sends."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict, PermissionDenied
from customs_feedback.organization.models import Official
from customs_feedback.organization.roles import Role
from customs_feedback.organization.selectors import emails_of_role, official_email
from customs_feedback.workflow import record_event, record_note, transition
from ratings.access import may_decide_contest, may_reassign_case, may_verify_rating
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
from ratings.rollups import rating_counters, rejected_counters, rollup_add
from ratings.services.cases import ensure_filed_once_in_time, reopen_case
from ratings.services.notices import _admin_url, _tell_enterprise, _tell_staff
from ratings.transitions import CASE_ALLOWED, CONTEST_ALLOWED, RATING_ALLOWED, RATING_REINSTATE_ALLOWED

# --- Verification and contests ----------------------------------------------------------------------


def _locked_rating(rating_id: int) -> Rating:
    return Rating.objects.select_for_update(of=("self",)).select_related("declaration__enterprise").get(pk=rating_id)


def _rollup(rating: Rating, sign: int, reason: str) -> None:
    """Rejecting (sign -1) moves the rating from the counted figures to the rejected ones of `reason`;
    reinstating (+1) moves it back."""
    key = (rating.submitted_on, rating.branch_id, rating.team_id, rating.official_id)
    rollup_add({key: {**rating_counters(rating, sign), **rejected_counters(reason, -sign)}})


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
    _rollup(rating, -1, reason)
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
    ensure_filed_once_in_time(
        already_filed=RatingContest.objects.filter(rating=rating).exists(),
        deadline=contest_deadline(rating),
        once=_("This rejection has already been contested; a rejection may be contested once."),
        too_late=_("The time to contest this rejection ended on %(date)s."),
    )
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
        reason = rating.rejection_reason
        rating = transition(
            rating,
            to=RatingStatus.VERIFIED,
            allowed=RATING_REINSTATE_ALLOWED,
            actor=actor,
            note=_("Reinstated after the enterprise's contest."),
            fields={"rejection_reason": "", "rejection_note": "", "rejected_at": None},
        )
        _rollup(rating, +1, reason)
        reopen_case(rating, actor=actor)
    _tell_enterprise(
        rating,
        kind="rating_contest_decided",
        key=f"contest-decided:{contest.pk}",
        decision=ContestStatus(outcome).label,
        note=note.strip(),
    )
    return contest


# --- Cases: reassignment ------------------------------------------------------------------


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
