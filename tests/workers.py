"""Real Celery workers for tests that need one: fixtures `start_worker` and `celery_worker_process`,
shared by every test folder through tests/conftest.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from customs_feedback.celery import app as celery_app
from tests.conftest import TEST_QUEUE

ROOT = Path(__file__).resolve().parents[1]


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


class WorkerProcess:
    """A real `celery worker` (prefork) in its own process group, so a test can SIGKILL all of it."""

    def __init__(self, env: dict[str, str], concurrency: int, name: str) -> None:
        self.log_path = ROOT / "var" / f"worker-{TEST_QUEUE}-{name}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self._log = self.log_path.open("w")
        command = [sys.executable, "-m", "celery", "-A", "customs_feedback", "worker", "-Q", TEST_QUEUE,
                   "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-mingle", "--without-gossip",
                   "--hostname", f"{name}-{TEST_QUEUE}@%h"]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while "ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the main process and its pool children at once, as a crash or an OOM kill would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture
def start_worker(require_postgresql, real_broker, transactional_db):
    """Start real Celery workers on the test queue, against the real Redis and the test database."""
    celery_app.control.purge()
    workers: list[WorkerProcess] = []

    def start(concurrency: int = 2, **extra_env: str) -> WorkerProcess:
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": real_broker,
            "DJANGO_DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
            # Retries the worker schedules itself must land on the queue it consumes.
            "CELERY_QUEUE": TEST_QUEUE,
            **extra_env,
        }
        worker = WorkerProcess(env, concurrency, name=f"w{len(workers) + 1}")
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker_process(start_worker):
    return start_worker()


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"):
    """Poll until `predicate()` is truthy; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")
