import pytest

from customs_feedback.core.models import Heartbeat
from customs_feedback.core.tasks import worker_heartbeat
from tests.workers import wait_for

pytestmark = pytest.mark.integration


def test_a_real_worker_consumes_a_task_from_redis_and_writes_to_postgresql(celery_worker_process):
    assert not Heartbeat.objects.filter(component="worker").exists()

    worker_heartbeat.delay()

    heartbeat = wait_for(
        lambda: Heartbeat.objects.filter(component="worker").first(), message="the worker's heartbeat row"
    )
    assert heartbeat.last_seen is not None
    assert "core.worker_heartbeat" in celery_worker_process.log()


def worker_backends() -> set[int]:
    """Server process ids of the other sessions on the test database: the worker's connections."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def run_heartbeat() -> None:
    Heartbeat.objects.filter(component="worker").delete()
    worker_heartbeat.delay()
    wait_for(lambda: Heartbeat.objects.filter(component="worker").exists(), message="the worker's heartbeat row")


def test_a_worker_keeps_its_database_connection_across_tasks_and_replaces_a_dropped_one(start_worker):
    start_worker(concurrency=1)

    run_heartbeat()
    first = wait_for(worker_backends, message="the worker's database connection")
    run_heartbeat()
    # A new connection per task would leave none open, or another one, after the second task.
    assert worker_backends() == first

    # PostgreSQL restarted or an idle connection cut by a firewall: the next task reconnects and succeeds.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [sorted(first)])
    wait_for(lambda: not worker_backends(), message="the worker's connection to be dropped")
    run_heartbeat()
    assert worker_backends() and worker_backends().isdisjoint(first)
