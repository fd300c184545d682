"""Notices of the trust loop and the routing of a case: who is told what, and who investigates."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from customs_feedback.notifications.services import notify, notify_staff
from customs_feedback.organization.models import Official
from customs_feedback.organization.roles import Role
from customs_feedback.organization.selectors import branch_leader, emails_of_role, official_email
from ratings.links import rating_status_url
from ratings.models import CaseDesk, FollowUpCase, Rating


def _company(rating: Rating) -> tuple:
    enterprise = rating.declaration.enterprise
    return enterprise, enterprise.name_vi or enterprise.name_en or enterprise.tax_code


def _tell_enterprise(rating: Rating, *, kind: str, key: str, **context) -> None:
    enterprise, company_name = _company(rating)
    if not enterprise.email:
        return
    notify(
        kind=kind,
        recipient=enterprise.email,
        language=enterprise.language,
        context={
            "company_name": company_name,
            "declaration_number": rating.declaration.number,
            "status_url": rating_status_url(rating.pk),
            **context,
        },
        idempotency_key=key,
        obj=rating,
    )


def _tell_staff(addresses: list[str], *, kind: str, key: str, obj, **context) -> None:
    notify_staff(addresses, kind=kind, key=key, obj=obj, context=context)


def _admin_url(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def record_url(official_id: int) -> str:
    return settings.SITE_URL + reverse("admin:ratings_official_record", args=[official_id])


def case_route(rating: Rating) -> tuple[str, Official | None]:
    """Who investigates: the branch leader, or the inspection desk when the leader is the official rated
    (or the branch has no leader). Nobody investigates themselves."""
    leader = branch_leader(rating.branch_id)
    if leader is None or leader.pk == rating.official_id:
        return CaseDesk.INSPECTION, None
    return CaseDesk.BRANCH, leader


def case_announce(case: FollowUpCase) -> None:
    """Tell the investigator (or the inspection desk) of a new case, and the official rated that they may
    explain (never who rated). The caller holds the transaction."""
    context = {
        "case_reference": case.reference,
        "branch_name": case.branch.name_vi,
        "due_date": case.due_date,
        "admin_url": _admin_url("admin:ratings_followupcase_change", case.pk),
    }
    if case.desk == CaseDesk.INSPECTION:
        recipients = emails_of_role(Role.INSPECTION_DESK)
    else:
        recipients = [address for address in [official_email(case.assigned_to)] if address]
    stamp = case.opened_at.timestamp()
    _tell_staff(recipients, kind="followup_case_opened", key=f"followup-opened:{case.pk}:{stamp}", obj=case, **context)
    official = case.rating.official
    _tell_staff(
        [address for address in [official_email(official)] if address],
        kind="followup_case_explain",
        key=f"followup-explain:{case.pk}:{stamp}",
        obj=case,
        case_reference=case.reference,
        explanation_due=case.explanation_due,
        record_url=record_url(official.pk),
    )
