"""Redis down (broker and cache on it): a public submission is stored, and its notice goes out once
Redis is back, exactly once."""

import time

import pytest
from rest_framework.test import APIClient

from complaints.models import Inquiry
from customs_feedback import throttling
from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.notifications.services import notification_sweep
from tests.core.test_input_gate import INQUIRY
from tests.core.test_throttles_and_degradation import DEAD_REDIS
from tests.integration.test_notification_delivery import broker_outage, smtp_server  # noqa: F401
from tests.workers import wait_for

pytestmark = pytest.mark.integration


def test_a_submission_during_a_redis_outage_is_stored_and_its_notice_sent_once_redis_returns(
    start_worker,
    smtp_server,  # noqa: F811
    monkeypatch,
    settings,
    admin_client,
):
    start_worker(**smtp_server.env())
    monkeypatch.setattr(throttling, "_cache_down_since", None)  # restored (to "no outage seen") afterwards
    with broker_outage(monkeypatch):
        settings.CACHES = DEAD_REDIS
        response = APIClient().post("/api/v1/inquiries/", INQUIRY, format="json")
        health = admin_client.get("/healthz/?full=1").json()["components"]

    assert response.status_code == 201, response.content
    inquiry = Inquiry.objects.get(tracking_code=response.json()["tracking_code"])
    notice = Notification.objects.get(kind="inquiry_acknowledged", object_id=str(inquiry.pk))
    assert notice.status == NotificationStatus.PENDING
    assert (health["broker"]["status"], health["cache"]["status"]) == ("failing", "degraded")

    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0  # Redis is back: the periodic sweep runs
    assert notification_sweep() == 1

    wait_for(
        lambda: Notification.objects.get(pk=notice.pk).status == NotificationStatus.SENT,
        message="the acknowledgement to be sent after the outage",
    )
    time.sleep(1)
    assert smtp_server.handler.accepted_count() == 1
    assert smtp_server.handler.accepted[0]["To"] == INQUIRY["email"]
