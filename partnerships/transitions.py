"""The agreement lifecycle as data: which status may follow which."""

from partnerships.models import AgreementStatus as S

ALLOWED: dict[str, set[str]] = {
    S.PENDING_EMAIL: {S.PENDING_REVIEW, S.EXPIRED},
    S.PENDING_REVIEW: {S.ACTIVE, S.REJECTED},
    S.ACTIVE: {S.SUSPENDED, S.TERMINATED},
    S.SUSPENDED: {S.ACTIVE, S.TERMINATED},
    S.REJECTED: set(),
    S.TERMINATED: set(),
    S.EXPIRED: set(),
}

# A company user's lifecycle: invited by a manager, active once the single-use link is accepted, removed.
from partnerships.member_models import MemberStatus as M  # noqa: E402

MEMBER_ALLOWED: dict[str, set[str]] = {
    M.INVITED: {M.ACTIVE, M.REMOVED},
    M.ACTIVE: {M.REMOVED},
    M.REMOVED: {M.INVITED},
}
