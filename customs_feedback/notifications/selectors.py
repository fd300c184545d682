"""Reads of the notice outbox for monitoring: what waits, since when, what failed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from customs_feedback.notifications.models import Notification, NotificationStatus


def outbox_pending_count() -> int:
    """Notices not yet sent: waiting for their (re)try, or being sent right now."""
    # Two counts, not one `status__in`: each is answered from its own partial index.
    pending = Notification.objects.filter(status=NotificationStatus.PENDING).count()
    return pending + Notification.objects.filter(status=NotificationStatus.SENDING).count()


def outbox_failed_count(*, since=None) -> int:
    """Notices given up on (their attempts exhausted or a permanent error), optionally only recent ones."""
    failed = Notification.objects.filter(status=NotificationStatus.FAILED)
    return (failed.filter(updated_at__gte=since) if since else failed).count()


def outbox_oldest_pending_age(*, now=None) -> float:
    """Seconds since the oldest notice still waiting to be sent was queued; 0 when none waits."""
    now = now or timezone.now()
    oldest = Notification.objects.filter(status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING]).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())


def outbox_overdue_age(*, now=None) -> float:
    """Seconds the most overdue pending notice has waited past its due time and the sweep's grace:
    such a notice should have been sent or re-enqueued already. 0 when none is overdue."""
    now = now or timezone.now()
    due_before = now - timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE_SECONDS)
    oldest_due = Notification.objects.filter(
        status=NotificationStatus.PENDING, next_attempt_at__lte=due_before
    ).aggregate(oldest=Min("next_attempt_at"))["oldest"]
    return 0.0 if oldest_due is None else (due_before - oldest_due).total_seconds()
