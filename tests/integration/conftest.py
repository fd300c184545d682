from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from customs_feedback.celery import app as celery_app
from tests.conftest import TEST_QUEUE

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of the database this test session uses (pytest-django's test_ copy)."""
    from django.db import connection

    settings = connection.settings_dict
    credentials = settings["USER"] or ""
    if settings.get("PASSWORD"):
        credentials += f":{settings['PASSWORD']}"
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{settings['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def celery_worker_process(require_postgresql, real_broker, transactional_db):
    """A real `celery worker` process on the test queue, against the real Redis and the test database."""
    celery_app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": real_broker,
        "DJANGO_DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = ROOT / "var" / f"worker-{TEST_QUEUE}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("w")
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "customs_feedback",
        "worker",
        "-Q",
        TEST_QUEUE,
        "--concurrency",
        "2",
        "--loglevel",
        "INFO",
        "--without-mingle",
        "--without-gossip",
        "--hostname",
        f"{TEST_QUEUE}@%h",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        process.log_path = log_path
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"):
    """Poll until `predicate()` is truthy; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")
