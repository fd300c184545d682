"""The outbox's gauges (/metrics) and its health check (/healthz/?full=1)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from customs_feedback.core.health import DEGRADED, FAILING, OK, Check, component_check
from customs_feedback.core.metrics import gauge
from customs_feedback.notifications import selectors

# A due notice neither sent nor re-enqueued by the sweep for this long means the worker or broker stalls.
OVERDUE_DEGRADED_SECONDS = 5 * 60
OVERDUE_FAILING_SECONDS = 30 * 60


@gauge("outbox_pending", "Notices in the outbox not yet sent (pending or being sent).")
def outbox_pending() -> int:
    return selectors.outbox_pending_count()


@gauge("outbox_failed", "Notices the outbox gave up on; staff can resend them from the admin.")
def outbox_failed() -> int:
    return selectors.outbox_failed_count()


@gauge("outbox_oldest_pending_seconds", "Age of the oldest notice not yet sent, in seconds (0 when none waits).")
def outbox_oldest_pending_seconds() -> float:
    return selectors.outbox_oldest_pending_age()


@component_check("outbox")
def outbox_check() -> Check:
    overdue = selectors.outbox_overdue_age()
    failed_today = selectors.outbox_failed_count(since=timezone.now() - timedelta(days=1))
    status = OK
    if overdue >= OVERDUE_FAILING_SECONDS:
        status = FAILING
    elif overdue >= OVERDUE_DEGRADED_SECONDS or failed_today:
        status = DEGRADED
    return Check(
        status,
        {
            "pending": selectors.outbox_pending_count(),
            "oldest_pending_seconds": round(selectors.outbox_oldest_pending_age()),
            "overdue_seconds": round(overdue),
            "failed_last_24h": failed_today,
        },
    )
