"""Who on the staff hears about what: the one place that turns roles, branches and officials into the
addresses of staff notices (case and inquiry reminders, escalations)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from customs_feedback.organization.models import Official
from customs_feedback.organization.roles import Role


def official_email(official: Official | None) -> str:
    """The official's work address, else their staff account's; "" when there is neither."""
    if official is None:
        return ""
    return official.email or (official.user.email if official.user is not None else "")


def emails_of_role(role: str, *, branch_id: int | None = None) -> list[str]:
    """The addresses of the active staff accounts in `role` (with `branch_id`: only that branch's officials)."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=role).exclude(email="")
    if branch_id is not None:
        users = users.filter(official__branch_id=branch_id, official__is_active=True)
    return sorted(set(users.values_list("email", flat=True)))


def branch_leader(branch_id: int) -> Official | None:
    """The official who leads the branch: an active official of it whose account has the branch-leader role."""
    return (
        Official.objects.filter(
            branch_id=branch_id, is_active=True, user__is_active=True, user__groups__name=Role.BRANCH_LEADER
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
