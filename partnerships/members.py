"""Writes of the enterprise portal's people: passwordless sign-in, API tokens, invitations, roles, removal.

A sign-in answers the same whether or not the email belongs to the company (nobody can probe which
addresses are contacts); the code is a keyed hash in the database, valid for a few minutes and dead after
a few wrong tries. Every change to a company's users is a MemberEvent row the company and staff can read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from customs_feedback.exceptions import Conflict, DomainError, NotFound, PermissionDenied
from customs_feedback.notifications.services import notify
from customs_feedback.text import nfc
from customs_feedback.validators import normalize_tax_code
from customs_feedback.workflow import ensure_transition
from partnerships.models import (
    Enterprise,
    EnterpriseUser,
    MemberEvent,
    MemberInvitation,
    MemberRole,
    MemberStatus,
    MemberToken,
    RatingInvitationMode,
    SignInCode,
)
from partnerships.transitions import MEMBER_ALLOWED


class TooManyRequests(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self) -> None:
        super().__init__(_("Too many sign-in attempts. Please wait an hour and try again."))


def _keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


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
        cache_key = f"enterprise-sign-in:{_keyed_hash(key)}"
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


def _record_event(
    member: EnterpriseUser | None,
    *,
    enterprise: Enterprise,
    note: str,
    from_status: str = "",
    to_status: str = "",
    actor_member: EnterpriseUser | None = None,
    actor=None,
    subject_email: str = "",
) -> MemberEvent:
    return MemberEvent.objects.create(
        enterprise=enterprise,
        member=member,
        subject_email=subject_email or (member.email if member else ""),
        actor_member=actor_member,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _move(member: EnterpriseUser, to_status: str, *, note: str, actor_member=None, fields=()) -> None:
    from_status = member.status
    ensure_transition(MEMBER_ALLOWED, from_status, to_status, labels=dict(MemberStatus.choices))
    member.status = to_status
    member.save(update_fields=["status", "updated_at", *fields])
    _record_event(
        member,
        enterprise=member.enterprise,
        note=note,
        from_status=from_status,
        to_status=to_status,
        actor_member=actor_member,
    )


def _representative_for(enterprise: Enterprise, email: str) -> EnterpriseUser | None:
    """The enterprise's registered contact becomes its first manager the first time it signs in."""
    if not enterprise.email or enterprise.email.strip().lower() != email:
        return None
    if enterprise.users.filter(is_representative=True).exists():
        return None
    member = EnterpriseUser.objects.create(
        enterprise=enterprise,
        email=email,
        name=enterprise.representative_name,
        role=MemberRole.MANAGER,
        status=MemberStatus.ACTIVE,
        is_representative=True,
        language=enterprise.language,
    )
    _record_event(
        member, enterprise=enterprise, note=_("Representative contact registered"), to_status=MemberStatus.ACTIVE
    )
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
            member=member, code_hash=_keyed_hash(f"{member.pk}:{code}"), expires_at=now + timedelta(minutes=minutes)
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
            matched = hmac.compare_digest(latest.code_hash, _keyed_hash(f"{member.pk}:{code}"))
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


# --- people of the company -----------------------------------------------------------------------


def _require_manager(actor: EnterpriseUser) -> None:
    if not actor.may_manage:
        raise PermissionDenied(_("Only a manager of the company can do this."))


def _colleague(actor: EnterpriseUser, member_id: int) -> EnterpriseUser:
    """A user of the actor's own company, locked; another company's id is simply not found."""
    member = (
        EnterpriseUser.objects.select_for_update()
        .select_related("enterprise")
        .filter(pk=member_id, enterprise_id=actor.enterprise_id)
        .first()
    )
    if member is None:
        raise NotFound(_("No such user in your company."))
    return member


@dataclass(frozen=True)
class SentInvitation:
    member: EnterpriseUser
    token: str  # known only to the invited mailbox


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("enterprise:invitation", args=[token])


@transaction.atomic
def member_invite(*, actor: EnterpriseUser, email: str, role: str, name: str = "") -> SentInvitation:
    """A manager invites a person by email; the single-use link adds them with `role` once accepted."""
    _require_manager(actor)
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if role not in MemberRole.values:
        errors["role"] = [_("Choose a role: manager, declarant or viewer.")]
    if errors:
        raise ValidationError(errors)
    enterprise = Enterprise.objects.select_for_update().get(pk=actor.enterprise_id)
    member = enterprise.users.filter(email=email).first()
    if member is not None and member.status == MemberStatus.ACTIVE:
        raise Conflict(_("%(email)s is already a user of your company.") % {"email": email})
    if member is None:
        member = EnterpriseUser.objects.create(
            enterprise=enterprise,
            email=email,
            name=nfc(name.strip()),
            role=role,
            status=MemberStatus.INVITED,
            language=actor.language,
        )
        _record_event(
            member,
            enterprise=enterprise,
            note=_("Invited as %(role)s") % {"role": MemberRole(role).label},
            to_status=MemberStatus.INVITED,
            actor_member=actor,
        )
    else:
        member.role, member.name = role, nfc(name.strip()) or member.name
        if member.status == MemberStatus.REMOVED:
            _move(
                member,
                MemberStatus.INVITED,
                note=_("Invited as %(role)s") % {"role": MemberRole(role).label},
                actor_member=actor,
                fields=["role", "name"],
            )
        else:
            member.save(update_fields=["role", "name", "updated_at"])
            _record_event(member, enterprise=enterprise, note=_("Invitation sent again"), actor_member=actor)
    token = secrets.token_urlsafe(32)
    MemberInvitation.objects.filter(member=member).delete()
    invitation = MemberInvitation.objects.create(
        member=member,
        token_hash=_keyed_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.ENTERPRISE_INVITATION_DAYS),
    )
    notify(
        kind="enterprise_invitation",
        recipient=email,
        language=actor.language,
        context={
            "company_name": enterprise.name_vi or enterprise.tax_code,
            "tax_code": enterprise.tax_code,
            "invited_by": actor.name or actor.email,
            "role": MemberRole(role).label,
            "accept_url": invitation_url(token),
            "expires_at": timezone.localtime(invitation.expires_at),
        },
        idempotency_key=f"enterprise-invitation:{invitation.pk}",
        obj=member,
    )
    return SentInvitation(member=member, token=token)


def invitation_for_token(*, token: str, lock: bool = False) -> MemberInvitation:
    """The invitation a link carries while it can still be accepted, or a clear error."""
    queryset = MemberInvitation.objects.select_related("member__enterprise")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=_keyed_hash(token or "")).first()
    if invitation is None or invitation.member.status == MemberStatus.REMOVED:
        raise ValidationError({"token": [_("This invitation link is not valid. Ask your company's manager.")]})
    if invitation.accepted_at is not None:
        raise ValidationError({"token": [_("This invitation has already been accepted. You can sign in.")]})
    if invitation.expires_at <= timezone.now():
        raise ValidationError({"token": [_("This invitation has expired. Ask your company's manager for a new one.")]})
    return invitation


@transaction.atomic
def invitation_accept(*, token: str) -> EnterpriseUser:
    """The invited person confirms from their mailbox: they become an active user of the company."""
    invitation = invitation_for_token(token=token, lock=True)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    member = EnterpriseUser.objects.select_for_update().select_related("enterprise").get(pk=invitation.member_id)
    _move(member, MemberStatus.ACTIVE, note=_("Invitation accepted"))
    return member


@transaction.atomic
def member_set_role(*, actor: EnterpriseUser, member_id: int, role: str) -> EnterpriseUser:
    """A manager changes a colleague's role (the representative contact stays a manager)."""
    _require_manager(actor)
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("Choose a role: manager, declarant or viewer.")]})
    member = _colleague(actor, member_id)
    if member.is_representative and role != MemberRole.MANAGER:
        raise Conflict(_("The representative contact is always a manager."))
    if member.role != role:
        before = member.get_role_display()
        member.role = role
        member.save(update_fields=["role", "updated_at"])
        _record_event(
            member,
            enterprise=member.enterprise,
            note=_("Role changed from %(before)s to %(after)s")
            % {"before": before, "after": member.get_role_display()},
            actor_member=actor,
        )
    return member


@transaction.atomic
def member_remove(*, actor: EnterpriseUser, member_id: int) -> EnterpriseUser:
    """A manager removes a colleague: their sessions and tokens stop working at once."""
    _require_manager(actor)
    member = _colleague(actor, member_id)
    if member.is_representative:
        raise Conflict(_("The representative contact cannot be removed; staff can change it."))
    if member.pk == actor.pk:
        raise Conflict(_("You cannot remove yourself; ask another manager."))
    _move(member, MemberStatus.REMOVED, note=_("Removed"), actor_member=actor)
    MemberToken.objects.filter(member=member).delete()
    SignInCode.objects.filter(member=member, used_at=None).update(expires_at=timezone.now())
    return member


@transaction.atomic
def enterprise_settings_update(
    *, actor: EnterpriseUser, language: str, phone: str, rating_invitations: str
) -> Enterprise:
    """A manager sets the company's language, contact phone and how rating invitations arrive."""
    _require_manager(actor)
    errors: dict[str, list[str]] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose Vietnamese or English.")]
    if rating_invitations not in RatingInvitationMode.values:
        errors["rating_invitations"] = [_("Choose how rating invitations should arrive.")]
    if len(phone or "") > 30:
        errors["phone"] = [_("The phone number is limited to 30 characters.")]
    if errors:
        raise ValidationError(errors)
    enterprise = Enterprise.objects.select_for_update().get(pk=actor.enterprise_id)
    enterprise.language, enterprise.phone = language, (phone or "").strip()
    enterprise.rating_invitations = rating_invitations
    enterprise.save(update_fields=["language", "phone", "rating_invitations", "updated_at"])
    _record_event(
        None,
        enterprise=enterprise,
        note=_("Settings changed: language %(language)s, rating invitations: %(mode)s")
        % {"language": language, "mode": RatingInvitationMode(rating_invitations).label},
        actor_member=actor,
        subject_email=actor.email,
    )
    return enterprise


def agreement_sign_as_member(
    *,
    actor: EnterpriseUser,
    representative_name: str,
    representative_title: str,
    accept_terms: bool,
    ip: str | None = None,
    user_agent: str = "",
):
    """A signed-in manager signs the MoU: the session already proved the mailbox, so no confirmation email."""
    from partnerships.services import agreement_sign

    _require_manager(actor)
    enterprise = actor.enterprise
    return agreement_sign(
        tax_code=enterprise.tax_code,
        company_name=enterprise.name_vi or enterprise.name_en,
        email=actor.email,
        accept_terms=accept_terms,
        address=enterprise.address,
        representative_name=representative_name,
        representative_title=representative_title,
        phone=enterprise.phone,
        language=enterprise.language,
        ip=ip,
        user_agent=user_agent,
        email_proven=True,
    ).agreement
