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
from customs_feedback.text import nfc


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    body_text: str
    body_html: str


def render_notice(*, kind: str, language: str, context: dict[str, Any]) -> RenderedNotice:
    """The whole notice: what `notify` stores (subject, text) and what delivery adds (the HTML version)."""
    subject, body_text = render_text(kind=kind, language=language, context=context)
    return RenderedNotice(
        subject=subject,
        body_text=body_text,
        body_html=render_html(subject=subject, body_text=body_text, language=language),
    )


def render_text(*, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject and the plain-text body of a notice, in `language`."""
    notice = notice_kind(kind)
    missing = set(notice.context) - set(context)
    if missing:
        raise ValueError(f"notice {kind!r} needs context {sorted(missing)}")
    full_context = {**context, **_site_context(language)}
    with translation.override(language):
        subject = " ".join(render_to_string(f"notifications/{kind}/subject.txt", full_context).split())
        body_text = render_to_string(f"notifications/{kind}/body.txt", full_context).strip() + "\n"
    return subject[:300], body_text


def render_html(*, subject: str, body_text: str, language: str) -> str:
    """The HTML version: the department's layout around the text body (links made clickable). It depends on
    nothing but the stored subject, text and language, so it is rendered when the notice is delivered."""
    context = {**_site_context(language), "subject": subject, "body_text": body_text}
    with translation.override(language):
        return render_to_string("notifications/layout.html", context)


def notification_html(notification) -> str:
    """The notice's HTML version: as stored once delivered, else as delivery will render it ("" without a text)."""
    if notification.body_html or not notification.body_text:
        return notification.body_html
    html = render_html(subject=notification.subject, body_text=notification.body_text, language=notification.language)
    return nfc(html)


def _site_context(language: str) -> dict[str, Any]:
    return {"department_name": settings.DEPARTMENT_NAME, "site_url": settings.SITE_URL, "language": language}


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
    html = notification_html(notification)
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in notification.attachments:
        with default_storage.open(attachment["path"], "rb") as stored:
            content_type = attachment.get("content_type") or mimetypes.guess_type(attachment["filename"])[0]
            message.attach(attachment["filename"], stored.read(), content_type or "application/octet-stream")
    return message
