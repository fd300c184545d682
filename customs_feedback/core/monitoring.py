"""Core's health checks and gauges: database, broker, cache, worker heartbeat, periodic jobs, queue length."""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from customs_feedback.core.health import DEGRADED, FAILING, OK, Check, by_age, component_check
from customs_feedback.core.metrics import gauge
from customs_feedback.core.models import Heartbeat
from customs_feedback.core.selectors import broker_status
from customs_feedback.throttling import shared_cache_degraded

WORKER_COMPONENT = "worker"
JOB_COMPONENT_PREFIX = "job:"
# The worker's heartbeat task runs every minute: two missed beats are a warning, ten an outage.
HEARTBEAT_DEGRADED_SECONDS = 3 * 60
HEARTBEAT_FAILING_SECONDS = 10 * 60
# A periodic job this late is degraded; later than one more whole period (or an hour), failing.
JOB_LATE_GRACE_SECONDS = 5 * 60


@component_check("database", critical=True)
def database_check() -> Check:
    started = time.monotonic()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    latency_ms = round((time.monotonic() - started) * 1000, 1)
    return Check(OK if latency_ms < 1000 else DEGRADED, {"vendor": connections["default"].vendor})


@component_check("broker", critical=True)
def broker_check() -> Check:
    status = broker_status()
    if status == "eager":
        return Check(OK, {"mode": "embedded (tasks run in-process)"})
    return Check(OK if status == "ok" else FAILING, {"queue_length": celery_queue_length()} if status == "ok" else {})


@component_check("cache")
def cache_check() -> Check:
    """Write and read back a short-lived key: throttles and lockouts count in the cache."""
    backend = {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        found = cache.get(key) == "1"
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 - unreachable: submissions go on, throttles count per process
        return Check(DEGRADED, {**backend, "error": error.__class__.__name__, "throttles": "per process"})
    if shared_cache_degraded():  # answering now, but a throttle found it down within the last minute
        return Check(DEGRADED, {**backend, "throttles": "per process until recently"})
    return Check(OK if found else DEGRADED, backend)


@component_check("worker_heartbeat")
def worker_heartbeat_check() -> Check:
    age = worker_heartbeat_age()
    status = by_age(age, degraded_after=HEARTBEAT_DEGRADED_SECONDS, failing_after=HEARTBEAT_FAILING_SECONDS)
    return Check(status, {"age_seconds": None if age is None else round(age)})


@component_check("periodic_job")
def periodic_jobs_check() -> dict[str, Check]:
    """One entry per job of CELERY_BEAT_SCHEDULE: when it last ran, whether that run succeeded, how late it is."""
    from celery.schedules import maybe_schedule  # Celery on the first check, not in every process at start-up

    from customs_feedback.celery import app

    runs = {beat.component: beat for beat in Heartbeat.objects.filter(component__startswith=JOB_COMPONENT_PREFIX)}
    now = timezone.now()
    results = {}
    for name, entry in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
        run = runs.get(JOB_COMPONENT_PREFIX + entry["task"])
        if run is None:
            results[name] = Check(DEGRADED, {"last_run": None})
            continue
        schedule = maybe_schedule(entry["schedule"], app=app)
        late = max(0.0, -schedule.remaining_estimate(run.last_seen).total_seconds())
        period = (now - run.last_seen).total_seconds() - late  # how long the job waits between runs
        status = OK if late <= JOB_LATE_GRACE_SECONDS else DEGRADED
        if late > JOB_LATE_GRACE_SECONDS + max(period, 3600):
            status = FAILING
        if run.detail != "ok" and status == OK:
            status = DEGRADED
        results[name] = Check(
            status, {"last_run": run.last_seen.isoformat(), "result": run.detail, "late_seconds": round(late)}
        )
    return results


@gauge("worker_heartbeat_age_seconds", "Seconds since a Celery worker last ran the heartbeat task.")
def worker_heartbeat_age() -> float | None:
    heartbeat = Heartbeat.objects.filter(component=WORKER_COMPONENT).only("last_seen").first()
    return None if heartbeat is None else (timezone.now() - heartbeat.last_seen).total_seconds()


@gauge("celery_queue_length", "Tasks waiting in the Celery queue (not yet taken by a worker).")
def celery_queue_length() -> int | None:
    """None in the embedded mode, which has no queue."""
    from kombu.exceptions import ChannelError

    from customs_feedback.celery import app

    if app.conf.task_always_eager:
        return None
    with app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        try:
            return connection.default_channel.queue_declare(queue=app.conf.task_default_queue, passive=True)[1]
        except ChannelError:
            return 0  # Redis drops an empty list: no key means nothing waits
