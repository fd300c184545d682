"""The enterprise's private link to its rating's status page (signed; no account needed)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

STATUS_SALT = "ratings.status"


def rating_status_token(rating_id: int) -> str:
    return signing.dumps(rating_id, salt=STATUS_SALT, compress=True)


def rating_id_from_status_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=STATUS_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def rating_status_url(rating_id: int) -> str:
    return settings.SITE_URL + reverse("ratings:status", kwargs={"token": rating_status_token(rating_id)})
