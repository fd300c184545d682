"""Tracking codes and the links sent to submitters and staff."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from complaints.models import (
    Inquiry,
)
from customs_feedback.notifications.services import notify

# Crockford's base32 without the letters read aloud wrongly (0/O, 1/I/L, U): 30 symbols.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PREFIX = "VM"
TRACKING_CODE = re.compile(rf"^{TRACKING_PREFIX}-[{TRACKING_ALPHABET}]{{4}}-[{TRACKING_ALPHABET}]{{4}}$")


def tracking_code_new() -> str:
    """A fresh code such as VM-4K7P-9QX2: 30^8 (6.5e11) possibilities, drawn from `secrets`."""
    symbols = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{TRACKING_PREFIX}-{symbols[:4]}-{symbols[4:]}"


_LOOKALIKES = str.maketrans("OIL", "011")


def tracking_code_normalize(value: str) -> str:
    """Accept what people type: lower case, spaces, missing dashes, O for 0 and I/L for 1."""
    raw = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if raw.startswith(TRACKING_PREFIX):
        raw = raw[len(TRACKING_PREFIX) :]
    raw = raw.translate(_LOOKALIKES)
    return f"{TRACKING_PREFIX}-{raw[:4]}-{raw[4:]}" if len(raw) == 8 else ""


def tracking_token(tracking_code: str) -> str:
    return salted_hmac("complaints.tracking", tracking_code, algorithm="sha256").hexdigest()[:32]


def tracking_token_valid(tracking_code: str, token: str) -> bool:
    return constant_time_compare(tracking_token(tracking_code), token or "")


def tracking_url(inquiry: Inquiry) -> str:
    """The private link to the tracking page (the code with a keyed token, no email in the address)."""
    path = reverse("complaints:track", args=[inquiry.tracking_code, tracking_token(inquiry.tracking_code)])
    return f"{settings.SITE_URL}{path}"


def submitter_notify(inquiry: Inquiry, *, kind: str, idempotency_key: str, **context: Any) -> None:
    """Queue a notice to the inquiry's submitter, in their language, naming the inquiry and its tracking link."""
    notify(
        kind=kind,
        recipient=inquiry.email,
        language=inquiry.language,
        context={
            "name": inquiry.name,
            "tracking_code": inquiry.tracking_code,
            "subject": inquiry.subject,
            "tracking_url": tracking_url(inquiry),
            **context,
        },
        idempotency_key=idempotency_key,
        obj=inquiry,
    )


def admin_url(inquiry: Inquiry) -> str:
    return f"{settings.SITE_URL}{reverse('admin:complaints_inquiry_change', args=[inquiry.pk])}"
