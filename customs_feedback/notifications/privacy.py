"""Personal data of the notice outbox: bodies of sent notices are dropped after their retention period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from customs_feedback.core.privacy import retention_rule, subject_export
from customs_feedback.notifications.models import Notification, NotificationStatus

_DONE = (NotificationStatus.SENT, NotificationStatus.FAILED)


@retention_rule(
    "notification_bodies", days_setting="RETENTION_NOTIFICATION_BODY_DAYS", description="Texts of notices sent"
)
def notification_bodies_drop(*, before: datetime) -> int:
    expired = Notification.objects.filter(status__in=_DONE, created_at__lt=before).exclude(body_text="")
    return expired.update(body_text="", body_html="", attachments=[])


@subject_export("notifications.notices")
def notices_to(email: str) -> list[dict[str, Any]]:
    return [
        {
            "kind": notice.kind,
            "subject": notice.subject,
            "body": notice.body_text,
            "status": notice.status,
            "created_at": notice.created_at.isoformat(),
            "sent_at": notice.sent_at.isoformat() if notice.sent_at else None,
        }
        for notice in Notification.objects.filter(recipient__iexact=email)
    ]
