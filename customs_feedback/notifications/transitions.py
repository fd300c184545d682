from customs_feedback.notifications.models import NotificationStatus as S

ALLOWED = {
    S.PENDING: {S.SENDING},
    # sending → pending: a transient failure waits for its retry, or the sweep reclaims an expired lease.
    S.SENDING: {S.SENT, S.PENDING, S.FAILED},
    S.FAILED: {S.PENDING},  # resent by staff
    S.SENT: set(),
}
