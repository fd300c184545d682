"""Allowed status changes, as data."""

from ratings.models import AppealStatus, CaseStatus, ContestStatus, FlagStatus, RatingStatus

RATING_ALLOWED = {
    RatingStatus.RECEIVED: {RatingStatus.VERIFIED, RatingStatus.REJECTED},
    RatingStatus.VERIFIED: {RatingStatus.REJECTED},
    RatingStatus.REJECTED: set(),
}

# The one way back: a contest the inspection desk decides reinstates a rejected rating (counted again).
RATING_REINSTATE_ALLOWED = {RatingStatus.REJECTED: {RatingStatus.VERIFIED}}

CASE_ALLOWED = {
    CaseStatus.OPEN: {CaseStatus.CLOSED},
    # Closed cases reopen when a rejected rating is reinstated; the official may appeal a conclusion once.
    CaseStatus.CLOSED: {CaseStatus.APPEALED, CaseStatus.OPEN},
    CaseStatus.APPEALED: {CaseStatus.CLOSED},
}

CONTEST_ALLOWED = {
    ContestStatus.PENDING: {ContestStatus.UPHELD, ContestStatus.REINSTATED},
    ContestStatus.UPHELD: set(),
    ContestStatus.REINSTATED: set(),
}

APPEAL_ALLOWED = {
    AppealStatus.PENDING: {AppealStatus.UPHELD, AppealStatus.OVERTURNED},
    AppealStatus.UPHELD: set(),
    AppealStatus.OVERTURNED: set(),
}

FLAG_ALLOWED = {
    FlagStatus.OPEN: {FlagStatus.DISMISSED, FlagStatus.CONFIRMED},
    FlagStatus.DISMISSED: set(),
    FlagStatus.CONFIRMED: set(),
}
