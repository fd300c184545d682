"""The Celery application: configured from Django settings (CELERY_*), tasks found in every app."""

import logging
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")

app = Celery("customs_feedback")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def close_old_connections(sender=None, **kwargs) -> None:
    """Around each task, what Django does around each request: keep a healthy connection, drop a stale one.

    CELERY_DB_REUSE_MAX (settings) stops Celery's Django fixup from closing every connection before and
    after each task, which cost each task a new PostgreSQL connection. This keeps what that protected: a
    connection older than CONN_MAX_AGE, left outside autocommit, or broken by an error is closed, and with
    CONN_HEALTH_CHECKS a reused connection is checked (and replaced if dead) before the task's first
    transaction or query, so a restarted PostgreSQL fails no task.
    """
    # An eager task runs inside its caller, perhaps in the caller's transaction, which must stay open.
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections as django_close_old_connections

    django_close_old_connections()


@signals.task_success.connect
@signals.task_failure.connect
def record_periodic_job_run(sender=None, exception=None, **kwargs) -> None:
    """Each run of a periodic job (CELERY_BEAT_SCHEDULE) leaves its time and outcome for the full health check."""
    from django.conf import settings

    task_name = getattr(sender, "name", "")
    if task_name not in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}:
        return
    from django.db import DatabaseError

    from customs_feedback.core.services import periodic_job_record

    try:
        periodic_job_record(task_name=task_name, error=exception)
    except DatabaseError:
        # The job's own failure may have been the database: the health check then says so itself.
        logging.getLogger(__name__).warning("could not record the run of periodic job %s", task_name)
