"""/metrics and /healthz/?full=1 against the real Redis queue and a real Celery worker."""

import re

import pytest
from django.db import transaction

from customs_feedback.notifications.services import notify
from tests.notifications.conftest import sample_context
from tests.smtp import SMTPServer
from tests.workers import wait_for

pytestmark = pytest.mark.integration

TOKEN = "metrics-token-for-the-worker-test"


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    text = response.content.decode()
    return {name: float(value) for name, value in re.findall(r"^(customs_feedback_\w+) (\S+)$", text, re.MULTILINE)}


def test_the_outbox_and_queue_gauges_follow_a_notice_through_redis_and_the_worker(client, settings, start_worker):
    settings.METRICS_TOKEN = TOKEN
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with transaction.atomic():
        notify(
            kind="inquiry_acknowledged",
            recipient="doanhnghiep@example.vn",
            language="vi",
            context=sample_context("inquiry_acknowledged"),
            idempotency_key="metrics-worker-1",
        )

    waiting = scrape(client)  # queued in Redis, no worker yet
    assert waiting["customs_feedback_outbox_pending"] == 1
    assert waiting["customs_feedback_celery_queue_length"] == 1
    health = client.get("/healthz/", {"full": "1"}, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()
    assert health["components"]["broker"] == {"status": "ok", "queue_length": 1} | {
        "check_ms": health["components"]["broker"]["check_ms"]
    }

    with SMTPServer() as smtp_server:
        start_worker(**smtp_server.env())
        sent = wait_for(
            lambda: (figures := scrape(client))["customs_feedback_outbox_pending"] == 0 and figures,
            message="the worker to send the notice",
        )
        assert smtp_server.handler.accepted_count() == 1
    assert sent["customs_feedback_celery_queue_length"] == 0
    assert sent["customs_feedback_outbox_failed"] == 0


def test_a_periodic_job_run_by_the_real_worker_is_recorded_for_the_health_check(client, settings, start_worker):
    from customs_feedback.core.models import Heartbeat
    from customs_feedback.notifications.tasks import notification_sweep

    settings.METRICS_TOKEN = TOKEN
    start_worker()
    notification_sweep.delay()  # as beat sends it

    run = wait_for(
        lambda: Heartbeat.objects.filter(component="job:notifications.sweep").first(),
        message="the worker to record the sweep's run",
    )
    assert run.detail == "ok"
    health = client.get("/healthz/", {"full": "1"}, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()
    assert health["components"]["periodic_job:notifications-sweep"]["status"] == "ok"
