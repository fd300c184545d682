"""Bulk work off the web request: a staff member starts a job, a Celery worker runs it, the page shows progress.

A feature app registers a kind of job with `@job_kind(code, label)`: a function `(job, progress) -> JobOutcome`
that does the work through the app's services, calls `progress(done)` now and then, and may return a file
(an export, a list of what failed) that the staff member downloads from the job page when it is done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from customs_feedback.core.models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobOutcome:
    summary: str
    filename: str = ""
    content: bytes = b""


Progress = Callable[[int], None]
Runner = Callable[[BackgroundJob, Progress], JobOutcome]


@dataclass(frozen=True)
class JobKind:
    code: str
    label: object
    run: Runner


_kinds: dict[str, JobKind] = {}


def job_kind(code: str, label) -> Callable[[Runner], Runner]:
    def register(run: Runner) -> Runner:
        _kinds[code] = JobKind(code=code, label=label, run=run)
        return run

    return register


def kind_label(code: str) -> str:
    kind = _kinds.get(code)
    return str(kind.label) if kind else code


@transaction.atomic
def job_start(*, kind: str, user, params: dict, total: int) -> BackgroundJob:
    """Record the job and hand it to a worker after commit."""
    if kind not in _kinds:
        raise ValueError(f"unknown job kind {kind!r}")
    params = {"language": translation.get_language() or settings.LANGUAGE_CODE, **params}
    job = BackgroundJob.objects.create(kind=kind, requested_by=user, params=params, total=total)
    from customs_feedback.core.tasks import job_run as job_run_task

    transaction.on_commit(lambda: job_run_task.delay(job.pk))
    return job


def job_run(*, job_id: int) -> BackgroundJob:
    """Run a queued job once (a second delivery of the task finds it no longer queued and does nothing)."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return job
        job.status = JobStatus.RUNNING
        job.save(update_fields=["status"])

    def progress(done: int) -> None:
        BackgroundJob.objects.filter(pk=job.pk).update(done=done)

    try:
        # The outcome is read by the staff member who started the job, in the language they worked in.
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            outcome = _kinds[job.kind].run(job, progress)
    except Exception:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        from django.utils.translation import gettext as _

        BackgroundJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), summary=_("The job stopped on an error.")
        )
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    if outcome.content:
        job.result.save(f"job-{job.pk}", ContentFile(outcome.content), save=False)
        job.result_name = outcome.filename
    job.status, job.summary, job.finished_at = JobStatus.DONE, outcome.summary, timezone.now()
    job.done = job.total
    job.save(update_fields=["status", "summary", "finished_at", "done", "result", "result_name"])
    return job
