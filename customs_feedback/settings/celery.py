"""Celery: the broker (in-process when none is set), how tasks are delivered, and every periodic job."""

from __future__ import annotations

import sys
from datetime import timedelta

from django.utils.functional import SimpleLazyObject

from customs_feedback.settings.base import TIME_ZONE
from customs_feedback.settings.environment import _read, env

CELERY_BROKER_URL = _read(env.str, "CELERY_BROKER_URL", default="")
# Without a broker the system runs embedded: tasks run in-process right after the commit that queued them,
# and the in-memory transport keeps Celery from ever dialling a default AMQP server.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_DEFAULT_QUEUE = _read(env.str, "CELERY_QUEUE", default="customs_feedback")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# A task is acknowledged only after it finished, and handed back if its worker died: at-least-once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_MAX_RETRY_DELAY = 3600
# Redis redelivers an unacknowledged message after the visibility timeout: it must exceed the longest
# countdown a retry schedules and the longest a task may run, or a waiting retry would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * CELERY_TASK_MAX_RETRY_DELAY,
    "socket_connect_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When Redis is down a request gives up publishing quickly; the outbox sweep sends the task later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# Celery's Django fixup closes every database connection before and after each task unless this is
# set, which cost each task a new PostgreSQL connection (half its time in the worker). With it set
# beyond reach, customs_feedback/celery.py applies Django's own per-request rules around each task
# instead: CONN_MAX_AGE, CONN_HEALTH_CHECKS, and closing a connection left broken or mid-transaction.
CELERY_DB_REUSE_MAX = sys.maxsize
# Monitoring events cost three extra broker writes per task; enable them when watching (celery -E).
CELERY_WORKER_SEND_TASK_EVENTS = False


def crontab(**fields: str | int) -> SimpleLazyObject:
    """celery.schedules.crontab(**fields), built when Celery first reads it: importing Celery (and kombu with
    it) here cost every process loading the settings about a tenth of a second of start-up, commands included.
    It pickles (beat's schedule file) and compares as the crontab itself."""

    def build():
        from celery.schedules import crontab

        return crontab(**fields)

    return SimpleLazyObject(build)


# Every periodic job, by app (beat in production; `manage.py run_periodic_jobs` when embedded).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "core-worker-heartbeat": {"task": "core.worker_heartbeat", "schedule": timedelta(minutes=1)},
    "notifications-sweep": {"task": "notifications.sweep", "schedule": timedelta(minutes=1)},
    "partnerships-expire-unconfirmed": {
        "task": "partnerships.expire_unconfirmed",
        "schedule": timedelta(minutes=15),
    },
    "complaints-close-quiet": {"task": "complaints.close_quiet", "schedule": timedelta(hours=1)},
    "complaints-remind-overdue": {"task": "complaints.remind_overdue", "schedule": timedelta(hours=6)},
    "ratings-rollup-rebuild": {"task": "ratings.rollup_rebuild", "schedule": timedelta(hours=1)},
    "ratings-followup-overdue": {"task": "ratings.cases_overdue", "schedule": timedelta(hours=1)},
    "ratings-gaming-scan": {"task": "ratings.gaming_scan", "schedule": timedelta(hours=1)},
    "ratings-invitations": {"task": "ratings.invitations_catch_up", "schedule": timedelta(minutes=15)},
    "ratings-daily-digest": {"task": "ratings.daily_digests", "schedule": crontab(hour=17, minute=30)},
    "core-retention-purge": {"task": "core.retention_purge", "schedule": timedelta(days=1)},
    "core-monthly-report": {"task": "core.monthly_report", "schedule": crontab(minute=0, hour=7, day_of_month="1-3")},
}
