"""Notices delivered per second: one Celery worker (prefork, 2 processes), real Redis, PostgreSQL,
and a local SMTP sink (aiosmtpd) that accepts every message.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_bench_notifications \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 DJANGO_DEBUG=1 \
    .venv/bin/python bench/notifications_delivery.py --notices 3000

The database is created if missing and emptied of notices first; Redis db 9 is flushed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_feedback.settings")
os.environ["CELERY_QUEUE"] = "bench-notifications"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    database_url = os.environ["DATABASE_URL"]
    name = database_url.rsplit("/", 1)[-1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import transaction

    from customs_feedback.notifications.models import Notification, NotificationStatus
    from customs_feedback.notifications.services import notify
    from customs_feedback.notifications.tasks import notification_send
    from tests.notifications.conftest import sample_context
    from tests.smtp import SMTPServer

    call_command("migrate", verbosity=0)
    Notification.objects.all().delete()
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()

    with SMTPServer() as smtp:
        env = {**os.environ, **smtp.env(), "PYTHONUNBUFFERED": "1"}
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "customs_feedback", "worker", "--concurrency",
             str(args.concurrency), "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(4)  # let the worker connect
            context = sample_context("inquiry_acknowledged")
            started = time.perf_counter()
            # Write the outbox first and enqueue afterwards, so the clock below times the worker alone.
            with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"), transaction.atomic():
                ids = [
                    notify(
                        kind="inquiry_acknowledged",
                        recipient=f"dn{number}@example.vn",
                        language="vi" if number % 5 else "en",
                        context=context,
                        idempotency_key=f"bench:{number}",
                    ).pk
                    for number in range(args.notices)
                ]
            written = time.perf_counter()
            for notification_id in ids:
                notification_send.delay(notification_id)
            enqueued = time.perf_counter()
            while Notification.objects.filter(status=NotificationStatus.SENT).count() < args.notices:
                time.sleep(0.1)
            finished = time.perf_counter()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        accepted = smtp.handler.accepted_count()

    delivery = finished - written
    print(f"notices: {args.notices}, worker concurrency: {args.concurrency}")
    print(f"outbox rows rendered and written: {args.notices / (written - started):.0f}/s")
    print(f"tasks published: {args.notices / (enqueued - written):.0f}/s")
    print(f"delivered to SMTP in {delivery:.2f} s from the first publish: {args.notices / delivery:.0f} notices/s")
    print(f"SMTP sink accepted {accepted} messages (duplicates: {accepted - args.notices})")


if __name__ == "__main__":
    main()
