"""Allowed status changes, as data."""

from ratings.models import CaseStatus, RatingStatus

RATING_ALLOWED = {
    RatingStatus.RECEIVED: {RatingStatus.VERIFIED, RatingStatus.REJECTED},
    RatingStatus.VERIFIED: {RatingStatus.REJECTED},
    RatingStatus.REJECTED: set(),
}

CASE_ALLOWED = {
    CaseStatus.OPEN: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}
