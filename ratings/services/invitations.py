"""Rating invitations: who is invited to rate which declaration, and the signed link they get."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import DomainError
from customs_feedback.notifications.services import notify
from partnerships.models import RatingInvitationMode
from ratings.models import Declaration, Rating, RatingInvitation

INVITATION_SALT = "ratings.invitation"


def invitation_token(invitation: RatingInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> RatingInvitation:
    """The invitation a link carries, or a clear error when the link is forged, used or expired."""
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        raise DomainError(_("This rating link is not valid. Please use the link from your email.")) from None
    invitation = (
        RatingInvitation.objects.select_related("declaration__branch", "enterprise").filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise DomainError(_("This rating link is not valid. Please use the link from your email."))
    if invitation.used_at is not None or Rating.objects.filter(declaration_id=invitation.declaration_id).exists():
        raise DomainError(_("This rating link has already been used. Thank you, your rating was recorded."))
    if invitation.expires_at < timezone.now():
        raise DomainError(_("This rating link has expired."))
    return invitation


def _cleared(declaration: Declaration) -> datetime:
    """The clearance time of a declaration selected as cleared (cleared_at__isnull=False)."""
    return cast(datetime, declaration.cleared_at)


def sampled(number: str, rate: float) -> bool:
    """A stable, even choice of declarations to invite (the same declaration is always in or out)."""
    if rate >= 1:
        return True
    bucket = int.from_bytes(hashlib.sha256(number.encode()).digest()[:4], "big") / 2**32
    return bucket < rate


def invitations_send(*, numbers: Sequence[str]) -> int:
    """Invite the enterprises of these cleared declarations to rate them (sampled, and not too often)."""
    now = timezone.now()
    window = timedelta(days=settings.RATING_WINDOW_DAYS)
    min_interval = timedelta(hours=settings.RATING_INVITATION_MIN_INTERVAL_HOURS)
    candidates = [
        declaration
        for declaration in Declaration.objects.filter(
            number__in=numbers, cleared_at__isnull=False, invitation__isnull=True, rating__isnull=True
        )
        .exclude(enterprise__email="")
        # Companies that chose the daily digest (or no invitations) get no per-declaration mail.
        .filter(enterprise__rating_invitations=RatingInvitationMode.EACH)
        .select_related("enterprise", "branch")
        .order_by("cleared_at", "pk")
        if sampled(declaration.number, settings.RATING_INVITATION_SAMPLE_RATE) and _cleared(declaration) + window > now
    ]
    if not candidates:
        return 0
    last_sent = dict(
        RatingInvitation.objects.filter(enterprise_id__in={declaration.enterprise_id for declaration in candidates})
        .order_by("enterprise_id", "sent_at")
        .values_list("enterprise_id", "sent_at")
    )
    sent = 0
    for declaration in candidates:
        previous = last_sent.get(declaration.enterprise_id)
        if previous is not None and now - previous < min_interval:
            continue
        with transaction.atomic():
            invitation = RatingInvitation.objects.create(
                declaration=declaration,
                enterprise=declaration.enterprise,
                sent_at=now,
                expires_at=_cleared(declaration) + window,
            )
            enterprise = declaration.enterprise
            notify(
                kind="rating_invitation",
                recipient=enterprise.email,
                language=enterprise.language,
                context={
                    "company_name": enterprise.name_vi or enterprise.name_en or enterprise.tax_code,
                    "declaration_number": declaration.number,
                    "cleared_at": timezone.localtime(declaration.cleared_at),
                    "branch_name": declaration.branch.name_vi,
                    "rate_url": settings.SITE_URL
                    + reverse("ratings:rate", kwargs={"token": invitation_token(invitation)}),
                    "expires_at": timezone.localtime(invitation.expires_at),
                },
                idempotency_key=f"rating-invitation:{declaration.number}",
                obj=invitation,
            )
        last_sent[declaration.enterprise_id] = now
        sent += 1
    return sent
