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
