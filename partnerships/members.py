"""Writes of the enterprise portal's people: invitations by single-use link, roles, removal, the company's
settings and signing the agreement as a signed-in manager (sign-in itself: partnerships/sign_in.py).

Every change to a company's users is a MemberEvent row the company and staff can read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict, NotFound, PermissionDenied
from customs_feedback.notifications.services import notify
from customs_feedback.text import nfc
from customs_feedback.workflow import transition
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


def keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def record_event(
    member: EnterpriseUser | None,
    *,
    enterprise: Enterprise,
    note: str,
    actor_member: EnterpriseUser | None = None,
    subject_email: str = "",
    created: bool = False,
) -> MemberEvent:
    """A user added (`created`: from nothing to their status) or a change that moves no status (a role, the
    settings: from and to are the user's current status)."""
    status = member.status if member else ""
    return MemberEvent.objects.create(
        enterprise=enterprise,
        member=member,
        subject_email=subject_email or (member.email if member else ""),
        actor_member=actor_member,
        from_status="" if created else status,
        to_status=status,
        note=note,
    )


def _move(member: EnterpriseUser, to_status: str, *, note: str, actor_member=None, fields=None) -> None:
    transition(
        member,
        to_status,
        allowed=MEMBER_ALLOWED,
        note=note,
        fields=fields,
        event_fields={"enterprise": member.enterprise, "subject_email": member.email, "actor_member": actor_member},
    )


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
        record_event(
            member,
            enterprise=enterprise,
            note=_("Invited as %(role)s") % {"role": MemberRole(role).label},
            created=True,
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
                fields={"role": member.role, "name": member.name},
            )
        else:
            member.save(update_fields=["role", "name", "updated_at"])
            record_event(member, enterprise=enterprise, note=_("Invitation sent again"), actor_member=actor)
    token = secrets.token_urlsafe(32)
    MemberInvitation.objects.filter(member=member).delete()
    invitation = MemberInvitation.objects.create(
        member=member,
        token_hash=keyed_hash(token),
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
    invitation = queryset.filter(token_hash=keyed_hash(token or "")).first()
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
        record_event(
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
    record_event(
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
