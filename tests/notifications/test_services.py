import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.notifications.rendering import render_notice
from customs_feedback.notifications.services import (
    Attachment,
    DeliveryOutcome,
    notification_deliver,
    notification_resend,
    notification_sweep,
    notify,
)
from customs_feedback.text import nfc
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_notice_is_sent_once_after_commit_in_the_recipients_language(
    notice_kwargs, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(**notice_kwargs(recipient="dn@example.vn", language="vi"))
        assert mailoutbox == []  # nothing leaves before the commit

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert [message.to for message in mailoutbox] == [["dn@example.vn"]]
    message = mailoutbox[0]
    assert message.subject == "Chúng tôi đã nhận được vướng mắc VM-4K7P-9QX2"
    assert "Mã tra cứu: VM-4K7P-9QX2" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Message-ID"] == notification.provider_message_id
    assert [event.to_status for event in notification.events.all()] == ["pending", "sending", "sent"]


def test_an_english_speaking_recipient_gets_the_english_notice(
    notice_kwargs, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(**notice_kwargs(language="en"))

    assert mailoutbox[0].subject == "We received your inquiry VM-4K7P-9QX2"


def test_a_rolled_back_change_writes_and_sends_nothing(notice_kwargs, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(**notice_kwargs())
                raise RuntimeError("the business change failed")
        except RuntimeError:
            pass

    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_the_same_idempotency_key_sends_one_notice(notice_kwargs, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(**notice_kwargs(key="inquiry:1:ack"))
        second = notify(**notice_kwargs(key="inquiry:1:ack"))

    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert [event.to_status for event in first.events.all()][:1] == ["pending"]
    assert first.events.filter(to_status="pending").count() == 1
    assert len(mailoutbox) == 1


def test_delivering_the_same_notice_twice_sends_one_email(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())

    first = notification_deliver(notification_id=notification.pk)
    second = notification_deliver(notification_id=notification.pk)

    assert (first.outcome, second.outcome) == (DeliveryOutcome.SENT, DeliveryOutcome.SKIPPED)
    assert len(mailoutbox) == 1


def test_a_notice_leased_to_another_worker_is_left_alone(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, leased_until=timezone.now() + timedelta(minutes=5)
    )

    assert notification_deliver(notification_id=notification.pk).outcome == DeliveryOutcome.SKIPPED
    assert mailoutbox == []


def failing_send(error):
    return mock.patch("django.core.mail.EmailMessage.send", side_effect=error)


def test_a_temporary_smtp_refusal_schedules_a_retry_with_backoff(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())

    with failing_send(smtplib.SMTPResponseException(451, b"try again later")):
        result = notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert result.outcome == DeliveryOutcome.RETRY
    assert 15 <= result.retry_in <= 30
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert notification.next_attempt_at > timezone.now()
    assert "451" in notification.last_error


def test_a_retry_is_not_sent_before_it_is_due(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())
    with failing_send(ConnectionRefusedError("connection refused")):
        notification_deliver(notification_id=notification.pk)

    assert notification_deliver(notification_id=notification.pk).outcome == DeliveryOutcome.SKIPPED
    assert mailoutbox == []


def test_a_permanent_refusal_marks_the_notice_failed_with_the_error(notice_kwargs):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())

    refused = smtplib.SMTPRecipientsRefused({"dn@example.vn": (550, b"mailbox unavailable")})
    with failing_send(refused):
        result = notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert result.outcome == DeliveryOutcome.FAILED
    assert notification.status == NotificationStatus.FAILED
    assert "mailbox unavailable" in notification.last_error


def test_temporary_failures_give_up_after_the_attempt_limit(notice_kwargs, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())

    outcomes = []
    with failing_send(smtplib.SMTPServerDisconnected("gone")):
        for _attempt in range(3):
            Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
            outcomes.append(notification_deliver(notification_id=notification.pk).outcome)

    assert outcomes == [DeliveryOutcome.RETRY, DeliveryOutcome.RETRY, DeliveryOutcome.FAILED]
    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.FAILED


def test_staff_can_resend_a_failed_notice(notice_kwargs, django_capture_on_commit_callbacks, mailoutbox):
    staff = UserFactory(is_staff=True)
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())
    with failing_send(smtplib.SMTPResponseException(554, b"rejected")):
        notification_deliver(notification_id=notification.pk)

    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification_id=notification.pk, actor=staff)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(mailoutbox) == 1
    assert notification.events.filter(actor=staff, to_status="pending").exists()


def test_only_a_failed_notice_can_be_resent(notice_kwargs, django_capture_on_commit_callbacks):
    from customs_feedback.exceptions import InvalidTransition

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(**notice_kwargs())

    with pytest.raises(InvalidTransition):
        notification_resend(notification_id=notification.pk, actor=UserFactory(is_staff=True))


def test_the_sweep_sends_a_notice_whose_enqueue_was_lost(notice_kwargs, django_capture_on_commit_callbacks, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))

    assert notification_sweep() == 1

    assert Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT
    assert len(mailoutbox) == 1


def test_the_sweep_leaves_a_fresh_notice_to_its_own_task(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notify(**notice_kwargs())

    assert notification_sweep() == 0
    assert mailoutbox == []


def test_the_sweep_reclaims_the_lease_of_a_worker_that_died_mid_send(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, attempts=1, leased_until=timezone.now() - timedelta(seconds=1)
    )

    assert notification_sweep() == 1

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 2
    assert notification.events.filter(note__startswith="lease expired").exists()
    assert len(mailoutbox) == 1


def test_attachments_travel_with_the_notice(
    notice_kwargs, django_capture_on_commit_callbacks, mailoutbox, tmp_path, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    path = default_storage.save("certificates/test.pdf", ContentFile(b"%PDF-1.7 test"))

    with django_capture_on_commit_callbacks(execute=True):
        notify(**notice_kwargs(attachments=[Attachment("chung-nhan.pdf", path, "application/pdf")]))

    assert mailoutbox[0].attachments[0] == ("chung-nhan.pdf", b"%PDF-1.7 test", "application/pdf")


def test_user_content_is_escaped_in_the_html_part(notice_kwargs, django_capture_on_commit_callbacks, mailoutbox):
    kwargs = notice_kwargs(kind="inquiry_answered")
    kwargs["context"]["answer"] = "<script>alert(1)</script> & <b>bold</b>"

    with django_capture_on_commit_callbacks(execute=True):
        notify(**kwargs)

    html = mailoutbox[0].alternatives[0].content
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "<script>alert(1)</script> & <b>bold</b>" in mailoutbox[0].body  # the text part stays literal


def test_a_notice_is_linked_to_the_record_that_caused_it(notice_kwargs, django_capture_on_commit_callbacks):
    official_user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(**notice_kwargs(obj=official_user))

    assert notification.related_object == official_user


def test_an_unknown_kind_or_missing_context_is_a_programming_error(notice_kwargs):
    with pytest.raises(ValueError, match="unknown notice kind"):
        notify(**{**notice_kwargs(), "kind": "no_such_notice"})
    kwargs = notice_kwargs()
    del kwargs["context"]["tracking_code"]
    with pytest.raises(ValueError, match="tracking_code"):
        notify(**kwargs)


def _html_as_rendered_in_the_request(*, kind, language, context, subject, body_text):
    """How `notify` rendered the HTML version before delivery took it over: the layout with the notice's
    whole context, in the recipient's language, NFC-normalised."""
    full = {**context, "department_name": settings.DEPARTMENT_NAME, "site_url": settings.SITE_URL, "language": language}
    with translation.override(language):
        return nfc(render_to_string("notifications/layout.html", {**full, "subject": subject, "body_text": body_text}))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_html_version_rendered_at_delivery_is_the_one_rendered_with_the_text(
    language, notice_kwargs, django_capture_on_commit_callbacks, mailoutbox
):
    kwargs = notice_kwargs(language=language)
    whole = render_notice(kind=kwargs["kind"], language=language, context=kwargs["context"])
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(**kwargs)
        # The request that causes a notice stores its subject and text; the layout is left to delivery.
        assert Notification.objects.get(pk=notification.pk).body_html == ""

    notification.refresh_from_db()
    message = mailoutbox[0]
    before = _html_as_rendered_in_the_request(
        kind=kwargs["kind"],
        language=language,
        context=kwargs["context"],
        subject=whole.subject,
        body_text=whole.body_text,
    )
    assert (message.subject, message.body) == (whole.subject, whole.body_text)
    assert message.alternatives[0].content == before == notification.body_html  # stored as sent
    assert "<a href=" in notification.body_html  # the links in the text were made clickable


def test_a_notice_rendered_whole_before_delivery_changed_is_sent_as_stored(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs())
    Notification.objects.filter(pk=notification.pk).update(body_html="<p>stored before the change</p>")

    notification_deliver(notification_id=notification.pk)

    assert mailoutbox[0].alternatives[0].content == "<p>stored before the change</p>"
    assert Notification.objects.get(pk=notification.pk).body_html == "<p>stored before the change</p>"


def test_the_sweep_sends_the_html_version_too(notice_kwargs, mailoutbox):
    with mock.patch("customs_feedback.notifications.services.enqueue_after_commit"):
        notification = notify(**notice_kwargs(language="en"))
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))

    assert notification_sweep() == 1

    expected = render_notice(kind="inquiry_acknowledged", language="en", context=notice_kwargs()["context"])
    assert mailoutbox[0].alternatives[0].content == expected.body_html
