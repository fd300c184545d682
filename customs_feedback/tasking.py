"""Queue a Celery task by its registered name, so a service never imports the tasks module that imports it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Celery itself is imported on the first enqueue, not by every process that loads a service
    from celery.result import AsyncResult


def enqueue(name: str, *args: Any, **options: Any) -> AsyncResult:
    """`apply_async` of the task registered as `name` (eager in-process when no broker is configured)."""
    from customs_feedback.celery import app

    if name not in app.tasks:
        app.loader.import_default_modules()  # outside a worker, autodiscovery runs on first need
    return app.tasks[name].apply_async(args, **options)
