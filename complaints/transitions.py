"""The inquiry lifecycle as data: which status may follow which."""

from complaints.models import InquiryStatus as S

ALLOWED: dict[str, set[str]] = {
    # The inquiry desk may answer a simple question itself, without assigning it.
    S.NEW: {S.ASSIGNED, S.ANSWERED, S.DUPLICATE, S.OUT_OF_SCOPE},
    # Re-assignment to another branch or official keeps the status.
    S.ASSIGNED: {S.ASSIGNED, S.ANSWERED, S.DUPLICATE, S.OUT_OF_SCOPE},
    # The submitter's reply sends it back to whoever answered (or to the desk); quiet ones close.
    S.ANSWERED: {S.NEW, S.ASSIGNED, S.CLOSED},
    S.CLOSED: set(),
    S.DUPLICATE: set(),
    S.OUT_OF_SCOPE: set(),
}
