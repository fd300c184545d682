"""Thin Celery tasks: take ids, call a service, safe to run twice."""

from __future__ import annotations

import contextlib
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from customs_feedback.notifications.services import DeliveryOutcome, notification_deliver
from customs_feedback.notifications.services import notification_sweep as notifications_sweep

# One SMTP connection per worker process, reused across notices (a TLS handshake per message would
# cap throughput); dropped after any failure so the next notice reconnects.
_connection = None
_connection_backend = ""


def _mail_connection():
    global _connection, _connection_backend
    if _connection is None or _connection_backend != settings.EMAIL_BACKEND:
        _drop_mail_connection()
        _connection, _connection_backend = get_connection(), settings.EMAIL_BACKEND
    if isinstance(_connection, SMTPBackend) and _connection.connection is None:
        # When the server is down the send itself fails again and is recorded as a delivery attempt.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            _connection.open()
    return _connection


def _drop_mail_connection() -> None:
    global _connection
    if _connection is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            _connection.close()
    _connection = None


@shared_task(name="notifications.send", acks_late=True, ignore_result=True)
def notification_send(notification_id: int) -> str:
    result = notification_deliver(notification_id=notification_id, connection=_mail_connection())
    if result.outcome in {DeliveryOutcome.RETRY, DeliveryOutcome.FAILED}:
        _drop_mail_connection()
    # In embedded mode a countdown would run at once; the periodic sweep picks the notice up when due.
    if result.outcome == DeliveryOutcome.RETRY and not settings.CELERY_TASK_ALWAYS_EAGER:
        notification_send.apply_async((notification_id,), countdown=result.retry_in)
    return result.outcome


@shared_task(name="notifications.sweep", ignore_result=True)
def notification_sweep() -> int:
    return notifications_sweep()
