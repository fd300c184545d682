"""Writes of the partnerships app: the enterprise registry, the agreement lifecycle and its notices."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict, NotFound
from customs_feedback.notifications.services import Attachment, notify
from customs_feedback.text import nfc
from customs_feedback.validators import normalize_tax_code
from customs_feedback.workflow import Actor, Allowed, ensure_transition, record_event, transition
from partnerships.certificates import certificate_issue
from partnerships.links import absolute_url, verify_url
from partnerships.models import (
    LIVE_STATUSES,
    Agreement,
    AgreementEvent,
    AgreementNumberSequence,
    AgreementSource,
    AgreementStatus,
    AgreementTemplate,
    Enterprise,
)
from partnerships.text_acceptance import agreement_text_request_acceptance
from partnerships.transitions import ALLOWED

STATUS_LABELS = dict(AgreementStatus.choices)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone


def new_reference() -> str:
    return "MOU-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _index in range(8))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- templates ---------------------------------------------------------------------------------


def template_current() -> AgreementTemplate:
    """The version enterprises sign now."""
    template = AgreementTemplate.objects.filter(is_current=True).first()
    if template is None:
        raise Conflict(_("No agreement text is published yet. Please try again later."))
    return template


@transaction.atomic
def template_publish(*, title_vi: str, title_en: str, body_vi: str, body_en: str) -> AgreementTemplate:
    """Publish a new version of the agreement text; it becomes the current one, and every partner is asked
    to accept it."""
    latest = AgreementTemplate.objects.select_for_update().order_by("-version").first()
    AgreementTemplate.objects.filter(is_current=True).update(is_current=False)
    template = AgreementTemplate(
        version=(latest.version + 1) if latest else 1,
        title_vi=nfc(title_vi.strip()),
        title_en=title_en.strip(),
        body_vi=nfc(body_vi.strip()),
        body_en=body_en.strip(),
        is_current=True,
    )
    template.sha256 = template.compute_sha256()
    template.save()
    agreement_text_request_acceptance(template=template)
    return template


# --- enterprises -------------------------------------------------------------------------------


def enterprise_get_or_create(*, tax_code: str, defaults: dict | None = None) -> Enterprise:
    """The registry row for a tax code (normalised), created with `defaults` when it is new."""
    enterprise, _created = Enterprise.objects.get_or_create(
        tax_code=normalize_tax_code(tax_code), defaults=defaults or {}
    )
    return enterprise


# --- the lifecycle -----------------------------------------------------------------------------


def _move(
    agreement: Agreement,
    to: str,
    *,
    actor: Actor = None,
    note: str = "",
    fields: dict[str, Any] | None = None,
    message: str | None = None,
    allowed: Allowed = ALLOWED,
) -> AgreementEvent:
    """The agreement's transition (workflow.transition); returns the event row, whose id keys the notice."""
    transition(agreement, to, allowed=allowed, actor=actor, note=note, fields=fields, message=message)
    return agreement.events.latest("pk")


def _lock(agreement_id: int) -> Agreement:
    try:
        return Agreement.objects.select_for_update().select_related("enterprise").get(pk=agreement_id)
    except Agreement.DoesNotExist:
        raise NotFound(_("No such agreement.")) from None


def _require_reason(reason: str) -> str:
    reason = nfc((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": [_("Please give the reason; it is sent to the enterprise.")]})
    return reason


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

    enterprise = enterprise_ready_to_sign(
        tax_code=tax_code,
        defaults={
            "name_vi": company_name.strip(),
            "address": address,
            "representative_name": representative_name,
            "representative_title": representative_title,
            "email": email,
            "phone": phone,
            "language": language,
        },
    )

    if email_proven:
        given = {
            "company_name": company_name,
            "address": address,
            "representative_name": representative_name,
            "representative_title": representative_title,
            "email": email,
            "phone": phone,
            "ip": ip,
            "user_agent": user_agent,
        }
        return _agreement_create_proven(enterprise, template, now, language, given)
    token = secrets.token_urlsafe(32)
    agreement = Agreement.objects.create(
        reference=new_reference(),
        enterprise=enterprise,
        status=AgreementStatus.PENDING_EMAIL,
        source=AgreementSource.PORTAL,
        language=language,
        company_name=company_name.strip(),
        address=address.strip(),
        representative_name=representative_name.strip(),
        representative_title=representative_title.strip(),
        email=email.strip(),
        phone=phone.strip(),
        template=template,
        template_version=template.version,
        template_sha256=template.sha256,
        signed_at=now,
        signed_ip=ip or None,
        signed_user_agent=(user_agent or "")[:500],
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


def _agreement_create_proven(enterprise, template, now, language, given: dict) -> SignedAgreement:
    """Signed by a signed-in manager: recorded as signed and email-confirmed at once, then waits for review."""
    fields = ["company_name", "address", "representative_name", "representative_title", "email", "phone"]
    agreement = Agreement.objects.create(
        reference=new_reference(),
        enterprise=enterprise,
        status=AgreementStatus.PENDING_REVIEW,
        source=AgreementSource.PORTAL,
        language=language,
        **{name: (given[name] or "").strip() for name in fields},
        template=template,
        template_version=template.version,
        template_sha256=template.sha256,
        signed_at=now,
        signed_ip=given["ip"] or None,
        signed_user_agent=(given["user_agent"] or "")[:500],
        email_confirmed_at=now,
    )
    record_event(agreement, to_status=agreement.status, note="signed on the enterprise portal by a signed-in manager")
    return SignedAgreement(agreement=agreement, token="")


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


def _next_number() -> int:
    sequence, _created = AgreementNumberSequence.objects.get_or_create(name="agreement")
    sequence = AgreementNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    highest = Agreement.objects.aggregate(highest=Max("number"))["highest"] or 0
    sequence.last_value = max(sequence.last_value, highest) + 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


@transaction.atomic
def agreement_countersign(*, agreement_id: int, actor: Actor, now: datetime | None = None) -> Agreement:
    """The department countersigns: number, certificate, registry update and the activation notice."""
    agreement = _lock(agreement_id)
    message = _("Only an agreement waiting for review can be countersigned; this one is “%(status)s”.")
    # Checked before the number is taken and the certificate drawn; transition() checks again under its lock.
    ensure_transition(ALLOWED, agreement.status, AgreementStatus.ACTIVE, labels=STATUS_LABELS, message=message)
    if Agreement.objects.filter(enterprise_id=agreement.enterprise_id, status__in=LIVE_STATUSES).exists():
        raise Conflict(_("This enterprise already holds a partnership agreement (in force or suspended)."))
    agreement.number = _next_number()
    agreement.activated_at = now or timezone.now()
    agreement.countersigned_by = actor
    certificate_fields = certificate_issue(agreement)
    event = _move(
        agreement,
        AgreementStatus.ACTIVE,
        fields={
            "number": agreement.number,
            "activated_at": agreement.activated_at,
            "countersigned_by": actor,
            **{name: getattr(agreement, name) for name in certificate_fields},
        },
        actor=actor,
        note=f"countersigned, No. {agreement.number}",
        message=message,
    )
    _update_registry(agreement)
    notify(
        kind="agreement_activated",
        recipient=agreement.email,
        language=agreement.language,
        context={
            "company_name": agreement.company_name,
            "reference": agreement.reference,
            "number": agreement.number,
            "activated_at": timezone.localtime(agreement.activated_at),
            "verify_url": verify_url(agreement),
        },
        idempotency_key=f"agreement:{agreement.pk}:event:{event.pk}",
        obj=agreement,
        attachments=[
            Attachment(
                filename=f"thoa-thuan-hop-tac-{agreement.number}.pdf",
                path=agreement.certificate.name or "",
                content_type="application/pdf",
            )
        ],
    )
    return agreement


def _update_registry(agreement: Agreement) -> None:
    """What the department verified and countersigned becomes the registry's contact record."""
    enterprise = agreement.enterprise
    if agreement.language == "en" and enterprise.name_vi:
        enterprise.name_en = agreement.company_name
    else:
        enterprise.name_vi = agreement.company_name
    for field in ["address", "representative_name", "representative_title", "email", "phone", "language"]:
        value = getattr(agreement, field)
        if value:
            setattr(enterprise, field, value)
    enterprise.save()


def _decide(
    *, agreement_id: int, actor: Actor, reason: str, target: str, message: str, kind: str, now: datetime | None = None
) -> Agreement:
    reason = _require_reason(reason)
    agreement = _lock(agreement_id)
    changed: dict[str, Any] = {"reason": reason}
    if target == AgreementStatus.TERMINATED:
        changed["ended_at"] = now or timezone.now()
    event = _move(agreement, target, fields=changed, actor=actor, note=reason, message=message)
    notify(
        kind=kind,
        recipient=agreement.email or agreement.enterprise.email,
        language=agreement.language,
        context={
            "company_name": agreement.company_name,
            "reference": agreement.reference,
            "number": agreement.number,
            "reason": reason,
        },
        idempotency_key=f"agreement:{agreement.pk}:event:{event.pk}",
        obj=agreement,
    )
    return agreement


@transaction.atomic
def agreement_reject(*, agreement_id: int, actor: Actor, reason: str) -> Agreement:
    """The partnership desk does not accept a signed request; the enterprise is told why."""
    return _decide(
        agreement_id=agreement_id,
        actor=actor,
        reason=reason,
        target=AgreementStatus.REJECTED,
        message=_("Only an agreement waiting for review can be rejected; this one is “%(status)s”."),
        kind="agreement_rejected",
    )


@transaction.atomic
def agreement_suspend(*, agreement_id: int, actor: Actor, reason: str) -> Agreement:
    """Suspend an agreement in force; the verification page shows it is no longer in force."""
    return _decide(
        agreement_id=agreement_id,
        actor=actor,
        reason=reason,
        target=AgreementStatus.SUSPENDED,
        message=_("Only an agreement in force can be suspended; this one is “%(status)s”."),
        kind="agreement_suspended",
    )


@transaction.atomic
def agreement_terminate(*, agreement_id: int, actor: Actor, reason: str, now: datetime | None = None) -> Agreement:
    """End an agreement in force or suspended; the enterprise may sign a new one."""
    return _decide(
        agreement_id=agreement_id,
        actor=actor,
        reason=reason,
        target=AgreementStatus.TERMINATED,
        message=_("Only an agreement in force or suspended can be terminated; this one is “%(status)s”."),
        kind="agreement_terminated",
        now=now,
    )


@transaction.atomic
def agreement_reinstate(*, agreement_id: int, actor: Actor, note: str = "") -> Agreement:
    """Lift a suspension: the agreement is in force again under the same number; the enterprise is told."""
    agreement = _lock(agreement_id)
    note = nfc(note.strip())
    event = _move(
        agreement,
        AgreementStatus.ACTIVE,
        actor=actor,
        note=note,
        # Only the suspended row of the table: a pending agreement becomes active by countersigning, not here.
        allowed={AgreementStatus.SUSPENDED: ALLOWED[AgreementStatus.SUSPENDED]},
        message=_("Only a suspended agreement can be reinstated; this one is “%(status)s”."),
    )
    notify(
        kind="agreement_reinstated",
        recipient=agreement.email or agreement.enterprise.email,
        language=agreement.language,
        context={
            "company_name": agreement.company_name,
            "reference": agreement.reference,
            "number": agreement.number,
            "note": note,
            "verify_url": verify_url(agreement),
        },
        idempotency_key=f"agreement:{agreement.pk}:event:{event.pk}",
        obj=agreement,
    )
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
