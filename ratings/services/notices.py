"""Notices of the trust loop and the routing of a case: who is told what, and who investigates."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from customs_feedback.notifications.services import notify, notify_all, notify_staff, staff_notices
from customs_feedback.organization.models import Branch, Official
from customs_feedback.organization.roles import Role
from customs_feedback.organization.selectors import branch_leader, emails_of_role, official_email
from customs_feedback.sql import prepared_cursor
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


class CaseParties(NamedTuple):
    """Who a low rating's case involves, read when it opens: the desk and investigator (nobody investigates
    themselves), the addresses told of the new case, the address of the official rated, the branch's name."""

    desk: str
    investigator_id: int | None
    investigator_addresses: list[str]
    official_address: str
    branch_name: str


def case_parties(rating: Rating) -> CaseParties:
    """The case is investigated by the branch leader, or by the inspection desk when the leader is the official
    rated (or the branch has no leader). On PostgreSQL one query reads it all."""
    if connection.vendor == "postgresql":
        return _case_parties_postgresql(rating)
    return _case_parties_orm(rating)


def _case_parties_orm(rating: Rating) -> CaseParties:
    leader = branch_leader(rating.branch_id)
    branch_name = Branch.objects.values_list("name_vi", flat=True).get(pk=rating.branch_id)
    official_address = official_email(Official.objects.select_related("user").get(pk=rating.official_id))
    if leader is None or leader.pk == rating.official_id:
        return CaseParties(
            CaseDesk.INSPECTION, None, emails_of_role(Role.INSPECTION_DESK), official_address, branch_name
        )
    leader_addresses = [address for address in [official_email(leader)] if address]
    return CaseParties(CaseDesk.BRANCH, leader.pk, leader_addresses, official_address, branch_name)


def _case_parties_postgresql(rating: Rating) -> CaseParties:
    """`case_parties` in one query: the leader as `branch_leader` finds them, the inspection desk's addresses
    as `emails_of_role` lists them (only when the case goes there), the addresses as `official_email` gives them."""
    # Prepared once per connection: it is run for every low rating, on the rating POST.
    with prepared_cursor() as cursor:
        cursor.execute(
            _case_parties_sql(), [Role.INSPECTION_DESK, rating.official_id, Role.BRANCH_LEADER, rating.branch_id]
        )
        branch_name, official_address, leader_id, leader_address, inspection = cursor.fetchone()
    if inspection is not None:
        return CaseParties(CaseDesk.INSPECTION, None, sorted(inspection), official_address, branch_name)
    return CaseParties(
        CaseDesk.BRANCH, leader_id, [leader_address] if leader_address else [], official_address, branch_name
    )


@cache
def _case_parties_sql() -> str:
    user_model = get_user_model()
    tables = {
        "branch": Branch._meta.db_table,
        "official": Official._meta.db_table,
        "user": user_model._meta.db_table,
        "user_groups": user_model.groups.through._meta.db_table,
        "group": Group._meta.db_table,
    }
    in_group = "JOIN {user_groups} ug ON ug.user_id = u.id JOIN {group} g ON g.id = ug.group_id AND g.name = %s"
    return (
        # Table names from the models, values as parameters.
        "SELECT b.name_vi, COALESCE(NULLIF(ro.email, ''), ru.email, ''), "  # noqa: S608
        "l.id, COALESCE(NULLIF(l.email, ''), l.user_email), "
        "CASE WHEN l.id IS NULL OR l.id = ro.id THEN ARRAY("
        f"SELECT DISTINCT u.email FROM {{user}} u {in_group} WHERE u.is_active AND u.is_staff AND u.email <> ''"
        ") END "
        "FROM {branch} b JOIN {official} ro ON ro.id = %s LEFT JOIN {user} ru ON ru.id = ro.user_id "
        "LEFT JOIN LATERAL (SELECT o.id, o.email, u.email AS user_email FROM {official} o "
        f"JOIN {{user}} u ON u.id = o.user_id {in_group} "
        "WHERE o.branch_id = b.id AND o.is_active AND u.is_active ORDER BY o.id LIMIT 1) l ON TRUE "
        "WHERE b.id = %s"
    ).format(**{name: connection.ops.quote_name(table) for name, table in tables.items()})


def case_announce(case: FollowUpCase, parties: CaseParties) -> None:
    """Tell the investigator (or the inspection desk) of a new case, and the official rated that they may
    explain (never who rated), in one write of the notices. The caller holds the transaction."""
    context = {
        "case_reference": case.reference,
        "branch_name": parties.branch_name,
        "due_date": case.due_date,
        "admin_url": _admin_url("admin:ratings_followupcase_change", case.pk),
    }
    stamp = case.opened_at.timestamp()
    notify_all(
        [
            *staff_notices(
                parties.investigator_addresses,
                kind="followup_case_opened",
                key=f"followup-opened:{case.pk}:{stamp}",
                obj=case,
                context=context,
            ),
            *staff_notices(
                [parties.official_address],
                kind="followup_case_explain",
                key=f"followup-explain:{case.pk}:{stamp}",
                obj=case,
                context={
                    "case_reference": case.reference,
                    "explanation_due": case.explanation_due,
                    "record_url": record_url(case.rating.official_id),
                },
            ),
        ]
    )
