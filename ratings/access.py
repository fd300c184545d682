"""Who may see or do what with a rating, its case and an official's figures: rater protection and the
independence of those who verify and investigate. The API, the admin, the portal pages and the exports all
ask these functions; none re-implements a rule."""

from __future__ import annotations

from django.db.models import QuerySet

from customs_feedback.organization.models import Official
from customs_feedback.organization.roles import Role, user_roles
from customs_feedback.organization.scoping import for_user, staff_official
from ratings.models import CaseDesk, FollowUpCase, Rating


def is_active_staff(user) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def own_official_id(user) -> int | None:
    official = staff_official(user)
    return official.pk if official is not None else None


def is_inspection_desk(user) -> bool:
    return is_active_staff(user) and Role.INSPECTION_DESK in user_roles(user)


def is_department_leadership(user) -> bool:
    return is_active_staff(user) and Role.DEPARTMENT_LEADERSHIP in user_roles(user)


def leads_branch(user, branch_id: int) -> bool:
    """A branch leader of this branch (their own official record places them in it)."""
    official = staff_official(user)
    return (
        is_active_staff(user)
        and Role.BRANCH_LEADER in user_roles(user)
        and official is not None
        and official.branch_id == branch_id
    )


def is_named_in(user, rating: Rating) -> bool:
    """The user is the official the rating names: they never verify, investigate or see who rated."""
    return own_official_id(user) == rating.official_id


def may_verify_rating(user, rating: Rating) -> bool:
    """The rated branch's leader or the inspection desk, never the official the rating names."""
    if not is_active_staff(user) or is_named_in(user, rating):
        return False
    return is_inspection_desk(user) or leads_branch(user, rating.branch_id)


def may_decide_contest(user, rating: Rating) -> bool:
    return is_inspection_desk(user) and not is_named_in(user, rating)


def may_investigate(user, case: FollowUpCase) -> bool:
    """The case's investigator: the assigned official, or the inspection desk for a case routed there."""
    if not is_active_staff(user) or is_named_in(user, case.rating):
        return False
    if case.desk == CaseDesk.INSPECTION:
        return is_inspection_desk(user)
    return case.assigned_to_id is not None and own_official_id(user) == case.assigned_to_id


def may_reassign_case(user, case: FollowUpCase) -> bool:
    """The branch's leader (unless the rating names them) and the inspection desk."""
    if not is_active_staff(user) or is_named_in(user, case.rating):
        return False
    return is_inspection_desk(user) or leads_branch(user, case.branch_id)


def may_see_rater(user, case: FollowUpCase | None) -> bool:
    """The enterprise behind a rating: only the case's investigator and the inspection desk (each look logged)."""
    if case is None:
        return False
    if not is_active_staff(user) or is_named_in(user, case.rating):
        return False
    return is_inspection_desk(user) or may_investigate(user, case)


def may_read_official_record(user, official: Official) -> bool:
    """The official, their branch leader, the inspection desk and department leadership."""
    if not is_active_staff(user):
        return False
    if user.is_superuser or is_department_leadership(user) or is_inspection_desk(user):
        return True
    return own_official_id(user) == official.pk or leads_branch(user, official.branch_id)


def may_read_individual_figures(user, branch_id: int | None) -> bool:
    """Team and official figures (of others): leaders of the branch, the inspection desk, leadership."""
    if not is_active_staff(user):
        return False
    if user.is_superuser or is_department_leadership(user) or is_inspection_desk(user):
        return True
    return branch_id is not None and leads_branch(user, branch_id)


def ratings_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The individual ratings a staff user may list: their scope, never the ratings of their own work."""
    queryset = for_user(user, queryset if queryset is not None else Rating.objects.all())
    own = own_official_id(user)
    if own is not None and not user.is_superuser:
        queryset = queryset.exclude(official_id=own)
    return queryset
