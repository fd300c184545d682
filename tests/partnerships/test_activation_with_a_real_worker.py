"""Countersigning against the real services: PostgreSQL, Redis and a Celery worker process send the notice."""

import email
import email.policy

import pytest

from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.organization.roles import Role
from partnerships.services import template_publish
from tests import factories
from tests.factories import staff_user
from tests.workers import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def shared_files(tmp_path, monkeypatch, settings):
    """Media and mail directories the test process and the worker process both use."""
    media, mail = tmp_path / "media", tmp_path / "mail"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(mail))
    settings.MEDIA_ROOT = media
    return mail


def test_a_worker_sends_the_activation_notice_with_the_certificate(shared_files, celery_worker_process):
    template_publish(title_vi="Thỏa thuận", title_en="Agreement", body_vi="Điều 1.", body_en="Article 1.")
    desk = staff_user(Role.PARTNERSHIP_DESK)
    agreement = factories.active(desk, email="cang@dinhvu.example.vn")

    notice = wait_for(
        lambda: Notification.objects.filter(kind="agreement_activated", status=NotificationStatus.SENT).first(),
        message="the activation notice to be sent by the worker",
    )

    assert notice.recipient == "cang@dinhvu.example.vn"
    sent = [path.read_bytes() for path in shared_files.iterdir()]
    messages = [
        email.message_from_bytes(chunk.strip(b"-\n"), policy=email.policy.default)
        for raw in sent
        for chunk in raw.split(b"-" * 79)
        if chunk.strip()
    ]
    activation = next(message for message in messages if str(agreement.number) in message["Subject"])
    (attachment,) = list(activation.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == agreement.certificate.read()
