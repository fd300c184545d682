"""Render a notice in its recipient's language, and build the email that carries it."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from customs_feedback.notifications.kinds import kind as notice_kind


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    body_text: str
    body_html: str


def render_notice(*, kind: str, language: str, context: dict[str, Any]) -> RenderedNotice:
    notice = notice_kind(kind)
    missing = set(notice.context) - set(context)
    if missing:
        raise ValueError(f"notice {kind!r} needs context {sorted(missing)}")
    full_context = {
        **context,
        "department_name": settings.DEPARTMENT_NAME,
        "site_url": settings.SITE_URL,
        "language": language,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"notifications/{kind}/subject.txt", full_context).split())
        body_text = render_to_string(f"notifications/{kind}/body.txt", full_context).strip() + "\n"
        body_html = render_to_string(
            "notifications/layout.html", {**full_context, "subject": subject, "body_text": body_text}
        )
    return RenderedNotice(subject=subject[:300], body_text=body_text, body_html=body_html)


def message_id_for(idempotency_key: str) -> str:
    """The same Message-ID on every attempt, so a receiving server can drop a repeat."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">").strip() or "localhost"
    return f"<{digest}@{domain}>"


def build_message(notification, *, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.recipient],
        connection=connection,
        headers={
            "Message-ID": notification.provider_message_id or message_id_for(notification.idempotency_key),
            "Content-Language": notification.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        with default_storage.open(attachment["path"], "rb") as stored:
            content_type = attachment.get("content_type") or mimetypes.guess_type(attachment["filename"])[0]
            message.attach(attachment["filename"], stored.read(), content_type or "application/octet-stream")
    return message
