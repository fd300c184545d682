"""The project package. Its Celery application is `customs_feedback.celery.app`, also reachable as
`customs_feedback.celery_app`; it is imported on first use (a worker's `-A customs_feedback`, `tasking.enqueue`,
the health checks) rather than with Django, so a management command or web process that queues nothing does
not pay for loading Celery at start."""

from typing import Any

__all__ = ("celery_app",)


def __getattr__(name: str) -> Any:
    if name == "celery_app":
        from customs_feedback.celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
