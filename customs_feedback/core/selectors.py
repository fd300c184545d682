"""Health of the components the system depends on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

from customs_feedback.core.models import Heartbeat
from customs_feedback.throttling import shared_cache_degraded


def database_status() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def broker_status() -> str:
    """'ok' when the broker answers, 'eager' in embedded mode (no broker configured), else 'unavailable'."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from customs_feedback.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:  # noqa: BLE001 - whatever stops us reaching the broker, it is unavailable
        return "unavailable"
    return "ok"


def cache_status() -> str:
    """'ok', or 'degraded' when the shared cache does not answer: submissions still go through, but
    throttles count per process (customs_feedback.throttling) until it returns."""
    try:
        cache.get("healthz-probe")
    except Exception:  # noqa: BLE001 - any cache backend failure means the same for us
        return "degraded"
    return "degraded" if shared_cache_degraded() else "ok"


def health_report() -> dict[str, Any]:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value in {"ok", "eager"} for value in checks.values())
    # The cache is reported but does not fail the check: the system keeps working without it.
    report: dict[str, Any] = {"status": "ok" if healthy else "unavailable", **checks, "cache": cache_status()}
    if checks["database"] == "ok":
        report["heartbeats"] = {beat.component: beat.last_seen.isoformat() for beat in Heartbeat.objects.all()}
    return report
