"""The duplicate-after-SMTP window: a sent mark lost with the database connection is retried on a new
connection, and a notice being sent is never sent again by a live worker inside its lease."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from customs_feedback.notifications import services
from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.notifications.services import DeliveryOutcome, notification_deliver, notify

pytestmark = pytest.mark.django_db(transaction=True)


def queued(notice_kwargs, monkeypatch) -> Notification:
    monkeypatch.setattr(services, "enqueue_after_commit", lambda _pk: None)  # delivered by hand below
    with transaction.atomic():
        return notify(**notice_kwargs())


def test_a_failed_sent_mark_is_retried_and_the_notice_goes_once(notice_kwargs, monkeypatch, mailoutbox):
    notification = queued(notice_kwargs, monkeypatch)
    real_mark, calls = services._mark_sent, []

    def mark_losing_the_first_connection(notice):
        calls.append(notice.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real_mark(notice)

    monkeypatch.setattr(services, "_mark_sent", mark_losing_the_first_connection)
    monkeypatch.setattr(services.time, "sleep", lambda _seconds: None)

    result = notification_deliver(notification_id=notification.pk)

    assert result.outcome == DeliveryOutcome.SENT
    assert len(calls) == 2 and len(mailoutbox) == 1
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT


def test_a_database_connection_killed_after_smtp_accepted_is_replaced(
    require_postgresql, notice_kwargs, monkeypatch, mailoutbox
):
    notification = queued(notice_kwargs, monkeypatch)
    real_send = EmailBackend.send_messages

    def send_then_lose_the_database(self, messages):
        sent = real_send(self, messages)
        victim = connection.connection.info.backend_pid
        settings_dict = connection.settings_dict
        with psycopg.connect(
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"] or None,
            dbname=settings_dict["NAME"],
            autocommit=True,
        ) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [victim])
        return sent

    monkeypatch.setattr(EmailBackend, "send_messages", send_then_lose_the_database)

    result = notification_deliver(notification_id=notification.pk)

    assert result.outcome == DeliveryOutcome.SENT
    assert len(mailoutbox) == 1
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT


def test_a_notice_inside_its_lease_is_not_sent_again(notice_kwargs, monkeypatch, mailoutbox):
    notification = queued(notice_kwargs, monkeypatch)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, attempts=1, leased_until=timezone.now() + timedelta(minutes=10)
    )

    result = notification_deliver(notification_id=notification.pk)

    assert result.outcome == DeliveryOutcome.SKIPPED
    assert mailoutbox == []
