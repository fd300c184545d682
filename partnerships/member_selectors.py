"""Reads of the enterprise portal's people: who a session or token is, a company's users, events and notices."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from customs_feedback.notifications.models import Notification
from partnerships.models import Agreement, EnterpriseUser, MemberEvent, MemberStatus, MemberToken

# Notices that are not the company's correspondence (a sign-in code is for one person, once).
PRIVATE_NOTICE_KINDS = ("enterprise_sign_in_code",)


def member_active(*, member_id: int | None) -> EnterpriseUser | None:
    """The active company user with this id (a removed user's session stops working at once)."""
    if not member_id:
        return None
    return EnterpriseUser.objects.select_related("enterprise").filter(pk=member_id, status=MemberStatus.ACTIVE).first()


def member_for_token(*, key: str) -> EnterpriseUser | None:
    """The active user a Bearer token belongs to, while the token is valid."""
    if not key:
        return None
    token = (
        MemberToken.objects.select_related("member__enterprise")
        .filter(
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            expires_at__gt=timezone.now(),
            member__status=MemberStatus.ACTIVE,
        )
        .first()
    )
    return token.member if token else None


def company_users(*, member: EnterpriseUser) -> QuerySet[EnterpriseUser]:
    return EnterpriseUser.objects.filter(enterprise_id=member.enterprise_id).select_related("invitation")


def company_events(*, member: EnterpriseUser, limit: int = 50) -> list[MemberEvent]:
    events = MemberEvent.objects.filter(enterprise_id=member.enterprise_id).select_related("actor_member")
    return list(events.order_by("-at", "-pk")[:limit])


def company_agreement(*, member: EnterpriseUser) -> Agreement | None:
    """The agreement that matters now: the one in force, else the latest signed one."""
    agreements = Agreement.objects.filter(enterprise_id=member.enterprise_id)
    return (
        agreements.filter(status__in=["active", "suspended"]).first()
        or agreements.order_by("-signed_at", "-pk").first()
    )


def company_notices(*, member: EnterpriseUser, limit: int = 100) -> list[Notification]:
    """Notices sent to the company's addresses: its registered contact and its users."""
    enterprise = member.enterprise
    addresses = set(EnterpriseUser.objects.filter(enterprise=enterprise).values_list("email", flat=True))
    if enterprise.email:
        addresses.add(enterprise.email.lower())
    addresses |= {address.upper() for address in addresses} | {address.lower() for address in addresses}
    notices = Notification.objects.filter(recipient__in=addresses).exclude(kind__in=PRIVATE_NOTICE_KINDS)
    return list(notices.order_by("-created_at", "-pk")[:limit])


def member_summary(member: EnterpriseUser) -> dict:
    """What `/api/v1/enterprise/me/` shows of a signed-in user and their company."""
    enterprise = member.enterprise
    agreement = company_agreement(member=member)
    return {
        "tax_code": enterprise.tax_code,
        "name": enterprise.name_vi or enterprise.name_en,
        "email": member.email,
        "role": member.role,
        "agreement": None
        if agreement is None
        else {"reference": agreement.reference, "number": agreement.number, "status": agreement.status},
        "users": [
            {"email": user.email, "name": user.name, "role": user.role, "status": user.status}
            for user in company_users(member=member)
        ],
    }
