"""The outbox against the real Redis, real Celery workers and a real SMTP server."""

import contextlib

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from customs_feedback.celery import app as celery_app
from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.notifications.services import notification_sweep, notify
from customs_feedback.notifications.tasks import notification_send
from tests.notifications.conftest import sample_context
from tests.smtp import SMTPServer
from tests.workers import wait_for

pytestmark = pytest.mark.integration

FAST_RETRIES = {"NOTIFICATION_RETRY_BASE_SECONDS": "1"}


@pytest.fixture
def smtp_server():
    with SMTPServer() as server:
        yield server


def send_notice(key: str = "integration-1", recipient: str = "doanhnghiep@example.vn") -> Notification:
    with transaction.atomic():
        return notify(
            kind="inquiry_acknowledged",
            recipient=recipient,
            language="vi",
            context=sample_context("inquiry_acknowledged"),
            idempotency_key=key,
        )


def status_of(notification: Notification) -> str:
    return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)


@contextlib.contextmanager
def broker_outage(monkeypatch):
    """Point this process's Celery producer at a port where nothing listens, then restore it."""

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    dead = "redis://127.0.0.1:1/0"
    with monkeypatch.context() as patch:
        patch.setenv("CELERY_BROKER_URL", dead)
        patch.setattr(celery_app.conf, "broker_url", dead)
        reset_pools()
        yield
    reset_pools()


def finished(worker, *results) -> bool:
    """Whether the worker logged each of these tasks as done (a positive signal, instead of a pause)."""
    log = worker.log_path.read_text(encoding="utf-8", errors="replace")
    return all(f"[{result.id}] succeeded" in log for result in results)


def test_a_notice_reaches_a_real_smtp_server_exactly_once(start_worker, smtp_server):
    worker = start_worker(**smtp_server.env())

    notification = send_notice()

    wait_for(lambda: status_of(notification) == NotificationStatus.SENT, message="the notice to be sent")
    assert smtp_server.handler.accepted_count() == 1
    message = smtp_server.handler.accepted[0]
    assert message["To"] == "doanhnghiep@example.vn"
    assert message["Message-ID"] == notification.provider_message_id

    # The same task delivered again (a broker redelivery, a second sweep) sends nothing more.
    redeliveries = [notification_send.delay(notification.pk), notification_send.delay(notification.pk)]
    wait_for(lambda: finished(worker, *redeliveries), message="both redelivered tasks to finish")
    assert smtp_server.handler.accepted_count() == 1


def test_a_notice_queued_while_the_broker_is_down_is_sent_once_by_the_sweep(
    start_worker, smtp_server, monkeypatch, settings
):
    start_worker(**smtp_server.env())
    with broker_outage(monkeypatch):
        notification = send_notice()  # the business transaction commits; the enqueue fails quietly

    assert status_of(notification) == NotificationStatus.PENDING
    assert smtp_server.handler.accepted_count() == 0

    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    assert notification_sweep() == 1

    wait_for(lambda: status_of(notification) == NotificationStatus.SENT, message="the swept notice to be sent")
    assert notification_sweep() == 0
    # A later notice through the same worker arrives; by then a second copy of the first would have too.
    later = send_notice(key="integration-later", recipient="ketoan@example.vn")
    wait_for(lambda: status_of(later) == NotificationStatus.SENT, message="the later notice to be sent")
    assert [message["To"] for message in smtp_server.handler.accepted] == [
        "doanhnghiep@example.vn",
        "ketoan@example.vn",
    ]


def test_a_worker_killed_while_sending_is_replaced_after_its_lease_expires(start_worker, smtp_server, settings):
    lease = {"NOTIFICATION_LEASE_SECONDS": "3"}
    smtp_server.handler.hang_next_data = True
    doomed = start_worker(**smtp_server.env(), **lease)

    notification = send_notice()
    assert smtp_server.handler.data_hanging.wait(30), "the worker never started sending"
    assert status_of(notification) == NotificationStatus.SENDING
    doomed.kill()
    smtp_server.handler.release.set()  # the half-sent message is dropped with the dead connection

    start_worker(**smtp_server.env(), **lease)
    wait_for(
        lambda: Notification.objects.get(pk=notification.pk).leased_until < timezone.now(),
        message="the dead worker's lease to expire",
    )
    assert notification_sweep() == 1

    wait_for(lambda: status_of(notification) == NotificationStatus.SENT, message="delivery by the new worker")
    assert smtp_server.handler.accepted_count() == 1
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.events.filter(note__startswith="lease expired").count() == 1


def test_a_temporary_smtp_refusal_is_retried_then_sent(start_worker, smtp_server):
    smtp_server.handler.data_replies = ["451 4.7.1 Greylisted, try again", "452 4.3.1 Insufficient storage"]
    start_worker(**smtp_server.env(), **FAST_RETRIES)

    notification = send_notice()

    wait_for(lambda: status_of(notification) == NotificationStatus.SENT, timeout=45, message="retries to succeed")
    notification.refresh_from_db()
    assert notification.attempts == 3
    assert smtp_server.handler.accepted_count() == 1
    retries = notification.events.filter(from_status="sending", to_status="pending")
    assert [event.note.split(",")[0] for event in retries] == ["SMTPDataError: (451", "SMTPDataError: (452"]


def test_a_permanent_refusal_fails_is_visible_in_the_admin_and_can_be_resent(start_worker, smtp_server, client):
    smtp_server.handler.refused_recipients["khongtontai@example.vn"] = "550 5.1.1 No such user"
    start_worker(**smtp_server.env(), **FAST_RETRIES)

    notification = send_notice(recipient="khongtontai@example.vn")

    wait_for(lambda: status_of(notification) == NotificationStatus.FAILED, message="the notice to fail")
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert "No such user" in notification.last_error

    admin = get_user_model().objects.create_superuser("quantri", "qt@haiquan.example.vn", "correct-horse-battery")
    client.force_login(admin)
    changelist = client.get("/admin/notifications/notification/?status__exact=failed")
    assert "khongtontai@example.vn" in changelist.content.decode()

    del smtp_server.handler.refused_recipients["khongtontai@example.vn"]  # the mailbox was fixed
    response = client.post(
        "/admin/notifications/notification/",
        {"action": "resend_failed", "_selected_action": [notification.pk]},
        follow=True,
    )
    assert "1 thông báo" in response.content.decode() or "1 notice" in response.content.decode()

    wait_for(lambda: status_of(notification) == NotificationStatus.SENT, message="the resent notice")
    assert smtp_server.handler.accepted_count() == 1
    assert notification.events.filter(actor=admin).exists()


def test_nothing_is_sent_for_a_rolled_back_change(start_worker, smtp_server):
    start_worker(**smtp_server.env())

    with contextlib.suppress(RuntimeError), transaction.atomic():
        send_notice(key="rolled-back")
        raise RuntimeError("the business change failed")
    committed = send_notice(key="committed")

    wait_for(lambda: status_of(committed) == NotificationStatus.SENT, message="the committed notice")
    assert [message["Message-ID"] for message in smtp_server.handler.accepted] == [committed.provider_message_id]
    assert not Notification.objects.filter(idempotency_key="rolled-back").exists()
