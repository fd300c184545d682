"""`manage.py migrate` under a PostgreSQL advisory lock: web processes starting together are safe."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db.migrations.loader import MigrationLoader

from customs_feedback.core.management.commands.migrate import MIGRATE_LOCK_KEY
from tests.workers import test_database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def start_migrate(database_url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("CELERY_BROKER_URL", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_migrate_waits_while_another_process_holds_the_lock(transactional_db, require_postgresql, tmp_path):
    log = tmp_path / "migrate.log"
    with psycopg.connect(test_database_url(), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
        migrate = start_migrate(test_database_url(), log)
        deadline = time.monotonic() + 60
        while "waiting for it to finish" not in log.read_text():
            assert migrate.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        time.sleep(1)
        assert migrate.poll() is None  # still held back by the lock
        holder.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])

        assert migrate.wait(timeout=120) == 0, log.read_text()
    assert "No migrations to apply." in log.read_text()


def test_two_processes_migrating_an_empty_database_at_once_both_succeed(fresh_database, tmp_path):
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes = [start_migrate(fresh_database, log) for log in logs]

    for process, log in zip(processes, logs, strict=True):
        assert process.wait(timeout=300) == 0, log.read_text()[-3000:]
    with psycopg.connect(fresh_database) as conn:
        applied = conn.execute("SELECT count(*), count(DISTINCT (app, name)) FROM django_migrations").fetchone()
    assert applied[0] == applied[1] == len(MigrationLoader(None).disk_migrations)
