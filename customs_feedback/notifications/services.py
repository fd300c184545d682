"""The outbox: notices are rows written with the change that causes them, then delivered by Celery.

Guarantees: a notice is written in the caller's transaction (a rollback writes nothing and sends
nothing); it is enqueued after commit; the task claims the row under a lock and a lease, so a task
delivered twice sends once; transient SMTP failures are retried with backoff and jitter, permanent ones
mark the notice failed for staff to resend; a periodic sweep re-enqueues notices whose enqueue was
lost (broker down, Redis flushed) and reclaims leases of workers that died mid-send. A live worker
whose database connection dropped after the SMTP server accepted the message marks it sent on a new
connection; a notice being sent is never claimed again inside its lease. The one window left: a worker
killed (or a database down for seconds) between the SMTP acceptance and the mark sends that notice once
more after its lease expires (with the same Message-ID).
"""

from __future__ import annotations

import logging
import random
import smtplib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError, models, transaction
from django.utils import timezone

from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.notifications.rendering import build_message, message_id_for, notification_html, render_text
from customs_feedback.notifications.transitions import ALLOWED
from customs_feedback.tasking import enqueue
from customs_feedback.text import nfc
from customs_feedback.workflow import (
    Actor,
    create_all_with_event_once,
    create_with_event_once,
    record_event,
    transition,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    path: str  # a name in the default (private) storage
    content_type: str = "application/octet-stream"


def notice(
    *,
    kind: str,
    recipient: str,
    language: str,
    context: dict[str, Any],
    idempotency_key: str,
    obj: models.Model | None = None,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
) -> Notification:
    """The notice, rendered and not yet written: `notify` writes one, `notify_all` several."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    subject, body_text = render_text(kind=kind, language=language, context=context)
    return Notification(
        kind=kind,
        recipient=recipient,
        language=language,
        subject=nfc(subject),
        body_text=nfc(body_text),
        # The HTML version is the layout around the text: delivery renders and stores it (rendering.render_html),
        # which keeps its cost (urlize above all) out of the request that caused the notice.
        body_html="",
        attachments=[vars(attachment) for attachment in attachments],
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        idempotency_key=idempotency_key,
        next_attempt_at=timezone.now(),
        provider_message_id=message_id_for(idempotency_key),
    )


def notify(
    *,
    kind: str,
    recipient: str,
    language: str,
    context: dict[str, Any],
    idempotency_key: str,
    obj: models.Model | None = None,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
) -> Notification:
    """Write a notice in the caller's transaction and enqueue its delivery after commit.

    Calling it again with the same idempotency key returns the first notice and sends nothing more.
    """
    notification = notice(
        kind=kind,
        recipient=recipient,
        language=language,
        context=context,
        idempotency_key=idempotency_key,
        obj=obj,
        attachments=attachments,
    )
    # The check for an earlier notice with this key is part of the insert: no query of its own.
    if create_with_event_once(notification, unique="idempotency_key", to_status=NotificationStatus.PENDING) is None:
        return Notification.objects.get(idempotency_key=idempotency_key)
    enqueue_after_commit(notification.pk)
    return notification


def notify_all(notifications: Iterable[Notification]) -> list[Notification]:
    """Write several notices (built by `notice`) as `notify` writes each, on PostgreSQL in one statement; returns
    those written. A notice whose idempotency key is already taken is not written again, nor sent."""
    written = create_all_with_event_once(
        list(notifications), unique="idempotency_key", to_status=NotificationStatus.PENDING
    )
    for notification in written:
        enqueue_after_commit(notification.pk)
    return written


def staff_notices(
    addresses: Iterable[str], *, kind: str, key: str, obj: models.Model | None, context: dict[str, Any]
) -> list[Notification]:
    """One notice to each staff address (an empty one is skipped), in the office language, keyed `key:address`."""
    return [
        notice(
            kind=kind,
            recipient=address,
            language=settings.LANGUAGE_CODE,
            context=context,
            idempotency_key=f"{key}:{address}",
            obj=obj,
        )
        for address in filter(None, addresses)
    ]


def notify_staff(
    addresses: Iterable[str], *, kind: str, key: str, obj: models.Model | None, context: dict[str, Any]
) -> int:
    """One notice to each staff address (an empty one is skipped), in the office language, keyed `key:address`;
    returns how many addresses were given a notice (written now or earlier under the same key)."""
    notices = staff_notices(addresses, kind=kind, key=key, obj=obj, context=context)
    notify_all(notices)
    return len(notices)


def enqueue_after_commit(notification_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(notification_id), robust=True)


def _enqueue(notification_id: int) -> None:
    """Hand the notice to the broker; when that fails the row stays pending for the sweep."""
    try:
        enqueue("notifications.send", notification_id)
    except Exception:  # the broker being down must not undo or fail the business change
        logger.warning("could not enqueue notification %s; the sweep will retry", notification_id, exc_info=True)


def _move(
    notification: Notification, to: str, *, fields: dict[str, Any], note: str = "", actor: Actor = None
) -> Notification:
    """A notice's transition; its event row names the delivery attempt it belongs to."""
    attempt = fields.get("attempts", notification.attempts)
    return transition(
        notification, to, allowed=ALLOWED, actor=actor, note=note, fields=fields, event_fields={"attempt": attempt}
    )


class DeliveryOutcome:
    SENT = "sent"
    SKIPPED = "skipped"  # already sent, failed, or being sent by another worker
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str
    retry_in: float = 0.0


def _claim(notification_id: int) -> Notification | None:
    """Lock the row (skipping one another worker holds) and lease it to this worker."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id).first()
        if notification is None:
            return None
        now = timezone.now()
        if notification.status != NotificationStatus.PENDING:
            return None
        # A retry is due at next_attempt_at; allow for clock skew between workers.
        if notification.next_attempt_at and notification.next_attempt_at > now + timedelta(seconds=5):
            return None
        return _move(
            notification,
            NotificationStatus.SENDING,
            fields={
                "attempts": notification.attempts + 1,
                "leased_until": now + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS),
            },
        )


def is_transient(error: Exception) -> bool:
    """4xx SMTP replies, dropped connections and network errors pass; 5xx replies do not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPException | OSError)


def retry_delay(attempt: int) -> float:
    """Exponential backoff with full jitter, capped (and kept below the broker's visibility timeout)."""
    ceiling = min(settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (attempt - 1), settings.CELERY_TASK_MAX_RETRY_DELAY)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


def notification_deliver(*, notification_id: int, connection=None) -> DeliveryResult:
    """Send one notice if it is still due. Safe to run twice, concurrently or not."""
    notification = _claim(notification_id)
    if notification is None:
        return DeliveryResult(DeliveryOutcome.SKIPPED)
    notification.body_html = notification_html(notification)  # stored with the mark of the sending
    try:
        build_message(notification, connection=connection or get_connection()).send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded; is_transient() decides on a retry
        return _record_failure(notification.pk, error)
    _mark_sent_retrying(notification)
    return DeliveryResult(DeliveryOutcome.SENT)


MARK_SENT_ATTEMPTS = 4


def _mark_sent_retrying(notification: Notification) -> None:
    """Record the accepted message, on a new database connection if the old one died meanwhile.

    The SMTP server has the message now: losing this mark is what sends a notice twice (the lease
    expires and the sweep hands the notice to a worker again). So a dropped connection or a database
    restart is waited out briefly before giving up.
    """
    for attempt in range(1, MARK_SENT_ATTEMPTS + 1):
        try:
            _mark_sent(notification)
            return
        except (OperationalError, InterfaceError) as error:
            connection = transaction.get_connection()
            if attempt == MARK_SENT_ATTEMPTS or connection.in_atomic_block:
                logger.error(
                    "notification %s was sent but could not be marked sent (%s); after its lease it may go once more",
                    notification.pk,
                    error,
                )
                raise
            logger.warning("marking notification %s sent failed (%s); retrying", notification.pk, error)
            connection.close()
            time.sleep(0.25 * 2 ** (attempt - 1))


def _mark_sent(notification: Notification) -> None:
    # This worker holds the lease, so the row needs no second lock: the update is conditional on the
    # claim still being ours (a sweep reclaims only an expired lease, which outlives the task time limit).
    with transaction.atomic():
        now = timezone.now()
        still_ours = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.SENDING, attempts=notification.attempts
        ).update(
            status=NotificationStatus.SENT,
            sent_at=now,
            leased_until=None,
            last_error="",
            updated_at=now,
            body_html=notification.body_html,
        )
        if not still_ours:
            logger.warning("notification %s was reclaimed while this worker sent it", notification.pk)
            return
        # The conditional update above is this transition's check and lock (sending → sent, our attempt).
        record_event(
            notification,
            from_status=NotificationStatus.SENDING,
            to_status=NotificationStatus.SENT,
            attempt=notification.attempts,
            note=notification.provider_message_id,
        )


def _record_failure(notification_id: int, error: Exception) -> DeliveryResult:
    description = f"{type(error).__name__}: {error}"
    with transaction.atomic():
        notification = Notification.objects.get(pk=notification_id)
        failure = {"last_error": description, "leased_until": None}
        if is_transient(error) and notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
            delay = retry_delay(notification.attempts)
            next_attempt_at = timezone.now() + timedelta(seconds=delay)
            _move(
                notification,
                NotificationStatus.PENDING,
                fields={**failure, "next_attempt_at": next_attempt_at},
                note=description,
            )
            logger.info("notification %s failed (%s); retry in %.0fs", notification_id, description, delay)
            return DeliveryResult(DeliveryOutcome.RETRY, retry_in=delay)
        _move(notification, NotificationStatus.FAILED, fields=failure, note=description)
    logger.warning("notification %s failed for good: %s", notification_id, description)
    return DeliveryResult(DeliveryOutcome.FAILED)


def notification_sweep(*, now=None) -> int:
    """Re-enqueue pending notices whose delivery is overdue and reclaim expired leases; return how many."""
    now = now or timezone.now()
    expired = []
    with transaction.atomic():
        for notification in Notification.objects.select_for_update(skip_locked=True).filter(
            status=NotificationStatus.SENDING, leased_until__lt=now
        ):
            _move(
                notification,
                NotificationStatus.PENDING,
                fields={"leased_until": None, "next_attempt_at": now},
                note="lease expired: the worker stopped while sending",
            )
            expired.append(notification.pk)
    grace = timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE_SECONDS)
    overdue = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.NOTIFICATION_SWEEP_BATCH]
    )
    for notification_id in [*expired, *overdue]:
        _enqueue(notification_id)
    return len(expired) + len(overdue)


@transaction.atomic
def notification_resend(*, notification_id: int, actor: Actor) -> Notification:
    """Staff send a failed notice again (after fixing the address or once the server accepts it)."""
    notification = _move(
        Notification.objects.get(pk=notification_id),
        NotificationStatus.PENDING,
        fields={"attempts": 0, "next_attempt_at": timezone.now()},
        note="resent by staff",
        actor=actor,
    )
    enqueue_after_commit(notification.pk)
    return notification
