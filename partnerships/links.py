"""Absolute links into the portal that notices and certificates carry (below services and certificates,
which both use them)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from partnerships.models import Agreement


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def verify_url(agreement: Agreement) -> str:
    """The public verification page of an agreement (the QR code on its certificate points there)."""
    return absolute_url(reverse("partnerships:verify", args=[agreement.reference]))
