"""Start gunicorn for the benchmark database on 127.0.0.1:8765 (used by the API benchmarks)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from ratings_setup import DATABASE_URL, ROOT

BENCH_BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/2")
PORT = int(os.environ.get("BENCH_PORT", "8765"))


@contextmanager
def gunicorn(workers: int = 3):
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "THROTTLE_API_CLIENT": "100000000/hour",
        "LOG_LEVEL": "WARNING",
    }
    # As in production, follow-up work (rating invitations) is queued for Celery workers, not done in the request.
    env["CELERY_BROKER_URL"] = BENCH_BROKER
    command = [
        sys.executable, "-m", "gunicorn", "customs_feedback.wsgi:application",
        "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/ratings/stats/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{PORT}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        import redis

        redis.Redis.from_url(BENCH_BROKER).delete("customs_feedback")  # the queued tasks of the benchmark
