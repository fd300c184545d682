"""Signing an agreement, confirming it by email, and expiring links nobody confirmed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict
from customs_feedback.notifications.services import notify
from customs_feedback.validators import normalize_tax_code
from customs_feedback.workflow import record_event
from partnerships.links import absolute_url
from partnerships.models import (
    LIVE_STATUSES,
    SIGNED_DETAILS,
    Agreement,
    AgreementSource,
    AgreementStatus,
    AgreementTemplate,
    Enterprise,
)
from partnerships.services.moves import _move
from partnerships.services.registry import (
    enterprise_get_or_create,
    new_reference,
    template_current,
    token_hash,
)


def enterprise_ready_to_sign(*, tax_code: str, defaults: dict) -> Enterprise:
    """The enterprise about to sign, locked; Conflict when it already has an agreement in force or in review.

    Requests still waiting for their email confirmation are superseded by the new signing.
    """
    enterprise = enterprise_get_or_create(tax_code=tax_code, defaults=defaults)
    # Lock the enterprise so two requests of the same enterprise are decided one after the other.
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    open_agreements = list(
        Agreement.objects.select_for_update()
        .filter(enterprise=enterprise, status__in=[*LIVE_STATUSES, AgreementStatus.PENDING_REVIEW])
        .only("status", "number")
    )
    for existing in open_agreements:
        if existing.status == AgreementStatus.SUSPENDED:
            raise Conflict(
                _(
                    "This enterprise's partnership agreement (No. %(number)s) is suspended; a new one can be signed "
                    "once it is terminated."
                )
                % {"number": existing.number}
            )
        if existing.status in LIVE_STATUSES:
            raise Conflict(
                _("This enterprise already has a partnership agreement in force (No. %(number)s).")
                % {"number": existing.number}
            )
        raise Conflict(_("This enterprise already has a signed agreement waiting for review by the department."))
    for stale in Agreement.objects.select_for_update().filter(
        enterprise=enterprise, status=AgreementStatus.PENDING_EMAIL
    ):
        _move(stale, AgreementStatus.EXPIRED, note="superseded by a new signing")
    return enterprise


@dataclass(frozen=True)
class SignedAgreement:
    agreement: Agreement
    token: str  # the confirmation token, known only to the email it is sent to


@transaction.atomic
def agreement_sign(
    *,
    tax_code: str,
    company_name: str,
    email: str,
    accept_terms: bool,
    address: str = "",
    representative_name: str = "",
    representative_title: str = "",
    phone: str = "",
    language: str = "vi",
    ip: str | None = None,
    user_agent: str = "",
    now: datetime | None = None,
    email_proven: bool = False,
) -> SignedAgreement:
    """An enterprise signs the current agreement text; the confirmation link goes to `email`.

    With `email_proven` (a signed-in manager of the company signs), the mailbox is already proved: the
    agreement goes straight to review, with no confirmation link.
    """
    errors: dict[str, list[str]] = {}
    try:
        tax_code = normalize_tax_code(tax_code)
    except ValidationError as error:
        errors["tax_code"] = error.messages
    if not accept_terms:
        errors["accept_terms"] = [_("You must accept the terms of the agreement to sign it.")]
    if not (company_name or "").strip():
        errors["company_name"] = [_("Please enter the name of the enterprise.")]
    if not (email or "").strip():
        errors["email"] = [_("Please enter the email address where the confirmation link is sent.")]
    if errors:
        raise ValidationError(errors)
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    now = now or timezone.now()
    template = template_current()

    contact = {
        "address": address,
        "representative_name": representative_name,
        "representative_title": representative_title,
        "email": email,
        "phone": phone,
    }
    enterprise = enterprise_ready_to_sign(
        tax_code=tax_code, defaults={"name_vi": company_name.strip(), **contact, "language": language}
    )
    signed: dict[str, Any] = {
        "enterprise": enterprise,
        "template": template,
        "language": language,
        "details": {"company_name": company_name, **contact},
        "now": now,
        "ip": ip,
        "user_agent": user_agent,
    }
    if email_proven:
        # A signed-in manager: the mailbox is proved, so the agreement is confirmed at once and waits for review.
        agreement = _agreement_signed(**signed, status=AgreementStatus.PENDING_REVIEW, email_confirmed_at=now)
        note = "signed on the enterprise portal by a signed-in manager"
        record_event(agreement, to_status=agreement.status, note=note)
        return SignedAgreement(agreement=agreement, token="")
    token = secrets.token_urlsafe(32)
    agreement = _agreement_signed(
        **signed,
        status=AgreementStatus.PENDING_EMAIL,
        confirm_token_hash=token_hash(token),
        confirm_expires_at=now + timedelta(hours=settings.PARTNERSHIP_CONFIRM_LINK_HOURS),
    )
    record_event(agreement, to_status=agreement.status, note="signed on the portal")
    notify(
        kind="agreement_confirm_email",
        recipient=agreement.email,
        language=agreement.language,
        context={
            "company_name": agreement.company_name,
            "reference": agreement.reference,
            "confirm_url": absolute_url(reverse("partnerships:confirm", args=[token])),
            "expires_at": timezone.localtime(agreement.confirm_expires_at),
        },
        idempotency_key=f"agreement:{agreement.pk}:confirm-email",
        obj=agreement,
    )
    return SignedAgreement(agreement=agreement, token=token)


def _agreement_signed(
    *,
    enterprise: Enterprise,
    template: AgreementTemplate,
    language: str,
    details: dict[str, str],
    now: datetime,
    status: str,
    ip: str | None,
    user_agent: str,
    **evidence: Any,
) -> Agreement:
    """The agreement as signed on the portal: what the enterprise declared, the text it accepted, when and from
    where; `evidence` adds how its email was (or will be) confirmed."""
    return Agreement.objects.create(
        reference=new_reference(),
        enterprise=enterprise,
        status=status,
        source=AgreementSource.PORTAL,
        language=language,
        **{name: (details[name] or "").strip() for name in SIGNED_DETAILS},
        template=template,
        template_version=template.version,
        template_sha256=template.sha256,
        signed_at=now,
        signed_ip=ip or None,
        signed_user_agent=(user_agent or "")[:500],
        **evidence,
    )


def agreement_for_token(*, token: str, now: datetime | None = None, lock: bool = False) -> Agreement:
    """The agreement a confirmation link belongs to, if the link can still be used."""
    queryset = Agreement.objects.select_for_update() if lock else Agreement.objects.all()
    agreement = queryset.filter(confirm_token_hash=token_hash(token or "")).first() if token else None
    if agreement is None:
        raise ValidationError(
            {"token": [_("This confirmation link is not valid. Please use the link in the latest email we sent.")]}
        )
    if agreement.status != AgreementStatus.PENDING_EMAIL:
        if agreement.status == AgreementStatus.EXPIRED:
            raise ValidationError({"token": [_("This confirmation link has expired. Please sign again.")]})
        raise ValidationError({"token": [_("This confirmation link has already been used.")]})
    if agreement.confirm_expires_at and agreement.confirm_expires_at <= (now or timezone.now()):
        raise ValidationError({"token": [_("This confirmation link has expired. Please sign again.")]})
    return agreement


@transaction.atomic
def agreement_confirm(*, token: str, now: datetime | None = None) -> Agreement:
    """The signer proved the email address: the agreement goes to the partnership desk for review."""
    now = now or timezone.now()
    agreement = agreement_for_token(token=token, now=now, lock=True)
    _move(agreement, AgreementStatus.PENDING_REVIEW, fields={"email_confirmed_at": now}, note="email confirmed")
    return agreement


def agreements_expire_unconfirmed(*, now: datetime | None = None, batch: int = 500) -> int:
    """Expire agreements whose confirmation link ran out unused; return how many. Safe to run twice."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            due = list(
                Agreement.objects.select_for_update(skip_locked=True).filter(
                    status=AgreementStatus.PENDING_EMAIL, confirm_expires_at__lte=now
                )[:batch]
            )
            for agreement in due:
                _move(agreement, AgreementStatus.EXPIRED, note="confirmation link expired")
        expired += len(due)
        if len(due) < batch:
            return expired
