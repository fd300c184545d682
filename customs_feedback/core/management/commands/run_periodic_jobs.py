import logging
import time

from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand

from customs_feedback.celery import app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of CELERY_BEAT_SCHEDULE inside this process. For the embedded mode, "
        "which has no broker and so no Celery beat; with a broker, run `celery beat` instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args, once: bool, **options):
        app.loader.import_default_modules()
        schedules = {
            name: maybe_schedule(entry["schedule"], app=app) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        last_run = dict.fromkeys(schedules)
        self.stdout.write(f"Periodic jobs: {', '.join(sorted(schedules))}")
        while True:
            for name, schedule in schedules.items():
                due = once or last_run[name] is None or schedule.is_due(last_run[name]).is_due
                if not due:
                    continue
                entry = settings.CELERY_BEAT_SCHEDULE[name]
                last_run[name] = app.now()
                # Not throw=True: Celery would re-raise before its task_failure signal, which records
                # the failed run for /healthz/?full=1 (customs_feedback/celery.py).
                result = app.tasks[entry["task"]].apply(
                    args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=False
                )
                if result.failed():
                    logger.error("periodic job %s failed: %r\n%s", name, result.result, result.traceback)
            if once:
                return
            time.sleep(1)
