"""Reads of the trust loop: what the enterprise may read about its rating, an official's record of cases."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from customs_feedback.workdays import add_working_days
from ratings.models import (
    CaseStatus,
    Conclusion,
    FollowUpCase,
    RaterStatus,
    Rating,
    RatingStatus,
)


def rater_status(rating: Rating) -> str:
    """One word for the enterprise: received, verified, rejected, under follow-up, concluded."""
    if rating.status == RatingStatus.REJECTED:
        return RaterStatus.REJECTED
    case = getattr(rating, "case", None)
    if case is not None:
        if case.status == CaseStatus.OPEN:
            return RaterStatus.UNDER_FOLLOW_UP
        return RaterStatus.CONCLUDED
    return RatingStatus(rating.status).value


def rating_status_for_rater(rating: Rating) -> dict:
    """`GET /api/v1/ratings/{id}/` and the link page: never who investigated, never who was heard."""
    case = getattr(rating, "case", None)
    answer: dict = {"id": rating.pk, "status": rater_status(rating), "case": None}
    if rating.status == RatingStatus.REJECTED:
        answer["rejection_reason"] = rating.rejection_reason
    if case is not None and case.conclusion != Conclusion.RATING_REJECTED:
        outcome = case.conclusion if case.status != CaseStatus.OPEN else None
        answer["case"] = {"status": case.status, "outcome": outcome or None, "measure": case.measure or None}
    return answer


def contest_deadline(rating: Rating) -> date | None:
    """The last working day the enterprise may contest the rejection of its rating."""
    if rating.status != RatingStatus.REJECTED or rating.rejected_at is None:
        return None
    return add_working_days(rating.rejected_at, settings.RATING_CONTEST_WORKING_DAYS)


def appeal_deadline(case: FollowUpCase) -> date | None:
    """The last working day the official may appeal the conclusion of their case."""
    if case.closed_at is None:
        return None
    return add_working_days(case.closed_at, settings.RATING_APPEAL_WORKING_DAYS)


def official_cases(*, official_id: int) -> QuerySet[FollowUpCase]:
    """The cases of ratings of one official's work, newest first (for their record page: no rater in it)."""
    return (
        FollowUpCase.objects.filter(rating__official_id=official_id)
        .select_related("rating", "branch", "explanation", "appeal")
        .order_by("-opened_at", "-pk")
    )
