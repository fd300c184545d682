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
