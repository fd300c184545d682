"""Passwordless sign-in of company users: a six-digit code by email, then a session or a Bearer token.

The answer is the same whether or not the email belongs to the company (nobody can probe which addresses are
contacts); the code is a keyed hash in the database, valid for a few minutes and dead after a few wrong tries;
requests are counted per email address, per tax code and per client address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from customs_feedback.exceptions import DomainError
from customs_feedback.notifications.services import notify
from customs_feedback.validators import normalize_tax_code
from partnerships.members import keyed_hash, record_event
from partnerships.models import (
    LIVE_STATUSES,
    AgreementStatus,
    Enterprise,
    EnterpriseUser,
    MemberRole,
    MemberStatus,
    MemberToken,
    SignInCode,
)


class TooManyRequests(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self) -> None:
        super().__init__(_("Too many sign-in attempts. Please wait an hour and try again."))


def _clean_identity(tax_code: str, email: str) -> tuple[str, str]:
    """The normalised tax code and email, or a 400 naming the bad field (format only: nothing is looked up)."""
    errors: dict[str, list[str]] = {}
    try:
        tax_code = normalize_tax_code((tax_code or "").strip())
    except ValidationError as error:
        errors["tax_code"] = error.messages
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if errors:
        raise ValidationError(errors)
    return tax_code, email


def _count_or_refuse(*keys_and_limits: tuple[str, int]) -> None:
    """Count one attempt on each key (an hour's window); refuse when any key is past its limit."""
    refused = False
    for key, limit in keys_and_limits:
        cache_key = f"enterprise-sign-in:{keyed_hash(key)}"
        cache.add(cache_key, 0, timeout=3600)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=3600)
            count = 1
        refused = refused or count > limit
    if refused:
        raise TooManyRequests()


def _throttle(step: str, tax_code: str, email: str, ip: str | None) -> None:
    per_address = settings.ENTERPRISE_SIGN_IN_PER_ADDRESS_HOURLY
    checks = [
        (f"{step}:email:{email}", per_address),
        (f"{step}:tax_code:{tax_code}", settings.ENTERPRISE_SIGN_IN_PER_TAX_CODE_HOURLY),
    ]
    if ip:
        checks.append((f"{step}:ip:{ip}", settings.ENTERPRISE_SIGN_IN_PER_TAX_CODE_HOURLY))
    _count_or_refuse(*checks)


def registered_contacts(enterprise: Enterprise) -> set[str]:
    """The addresses that may act as the company's representative: the email its agreement was signed with
    (once confirmed, countersigned or imported) and the registry's contact email set by staff. An email that
    only an unconfirmed signing put in the registry is not one: anyone can start a signing for a tax code."""
    proven = AgreementStatus.PENDING_REVIEW, *LIVE_STATUSES
    agreements = enterprise.agreements.exclude(email="")
    contacts = {email.lower() for email in agreements.filter(status__in=proven).values_list("email", flat=True)}
    registry = (enterprise.email or "").strip().lower()
    if registry and not agreements.exclude(status__in=proven).filter(email__iexact=registry).exists():
        contacts.add(registry)
    return contacts


def _representative_for(enterprise: Enterprise, email: str) -> EnterpriseUser | None:
    """A registered contact becomes the company's representative manager the first time it signs in; when
    staff changed the contact, the previous representative stays a manager but no longer represents it."""
    if email not in registered_contacts(enterprise):
        return None
    enterprise.users.filter(is_representative=True).update(is_representative=False)
    member = EnterpriseUser.objects.create(
        enterprise=enterprise,
        email=email,
        name=enterprise.representative_name,
        role=MemberRole.MANAGER,
        status=MemberStatus.ACTIVE,
        is_representative=True,
        language=enterprise.language,
    )
    record_event(member, enterprise=enterprise, note=_("Representative contact registered"), created=True)
    return member


def _member_for(tax_code: str, email: str, *, create_representative: bool) -> EnterpriseUser | None:
    enterprise = Enterprise.objects.filter(tax_code=tax_code).first()
    if enterprise is None:
        return None
    member = enterprise.users.filter(email=email).first()
    if member is None and create_representative:
        member = _representative_for(enterprise, email)
    return member if member is not None and member.is_active else None


# --- sign-in -------------------------------------------------------------------------------------


def sign_in_start(*, tax_code: str, email: str, ip: str | None = None) -> None:
    """Email a six-digit code when `email` is an active user of the enterprise; otherwise do nothing, silently."""
    tax_code, email = _clean_identity(tax_code, email)
    _throttle("start", tax_code, email, ip)
    with transaction.atomic():
        member = _member_for(tax_code, email, create_representative=True)
        if member is None:
            return
        now = timezone.now()
        # A new code replaces the ones sent before: only the latest email works.
        SignInCode.objects.filter(member=member, used_at=None, expires_at__gt=now).update(expires_at=now)
        code = f"{secrets.randbelow(1_000_000):06d}"
        minutes = settings.ENTERPRISE_SIGN_IN_CODE_MINUTES
        sign_in_code = SignInCode.objects.create(
            member=member, code_hash=keyed_hash(f"{member.pk}:{code}"), expires_at=now + timedelta(minutes=minutes)
        )
        notify(
            kind="enterprise_sign_in_code",
            recipient=member.email,
            language=member.language,
            context={
                "company_name": member.enterprise.name_vi or member.enterprise.tax_code,
                "code": code,
                "minutes": minutes,
            },
            idempotency_key=f"enterprise-sign-in-code:{sign_in_code.pk}",
        )


def _code_error() -> ValidationError:
    # One message for a wrong, expired, used or dead code and for an unknown email: nothing to probe.
    return ValidationError(
        {
            "code": [
                _(
                    "This code is wrong or no longer valid. A code works for %(minutes)s minutes and stops working "
                    "after %(attempts)s wrong tries; you can ask for a new one."
                )
                % {
                    "minutes": settings.ENTERPRISE_SIGN_IN_CODE_MINUTES,
                    "attempts": settings.ENTERPRISE_SIGN_IN_CODE_ATTEMPTS,
                }
            ]
        }
    )


def sign_in_verify(*, tax_code: str, email: str, code: str, ip: str | None = None) -> EnterpriseUser:
    """The user whose latest emailed code this is; a wrong code counts against it (5 and it is dead)."""
    tax_code, email = _clean_identity(tax_code, email)
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationError({"code": [_("The code has six digits.")]})
    _throttle("verify", tax_code, email, ip)
    now = timezone.now()
    matched = False
    with transaction.atomic():
        member = _member_for(tax_code, email, create_representative=False)
        latest = (
            SignInCode.objects.select_for_update().filter(member=member).order_by("-created_at", "-pk").first()
            if member
            else None
        )
        usable = (
            latest is not None
            and latest.used_at is None
            and latest.expires_at > now
            and latest.failed_attempts < settings.ENTERPRISE_SIGN_IN_CODE_ATTEMPTS
        )
        if usable:
            matched = hmac.compare_digest(latest.code_hash, keyed_hash(f"{member.pk}:{code}"))
            if matched:
                latest.used_at = now
                latest.save(update_fields=["used_at"])
                member.last_sign_in_at = now
                member.save(update_fields=["last_sign_in_at"])
            else:
                latest.failed_attempts += 1
                latest.save(update_fields=["failed_attempts"])
    if not matched:
        raise _code_error()
    return member


def token_issue(*, member: EnterpriseUser) -> tuple[str, datetime]:
    """A new Bearer token of the enterprise API for a signed-in user: (key, expiry); only its hash is kept."""
    key = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.ENTERPRISE_SESSION_HOURS)
    MemberToken.objects.create(member=member, key_hash=hashlib.sha256(key.encode()).hexdigest(), expires_at=expires_at)
    return key, expires_at
