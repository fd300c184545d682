"""The one scoping path for staff querysets: `for_user(user, queryset)`.

Every model staff can reach registers how its rows belong to a branch and, where work is
assigned, to an official. Department leadership sees everything; desks see every row of the
models their desk runs; a branch leader sees their branch; a branch officer sees the work
assigned to them (or their branch where a model has no assignee); anyone else sees nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

from customs_feedback.organization.roles import Role, user_roles


@dataclass(frozen=True)
class Scope:
    branch: str | None = None  # lookup from the model to the branch's primary key
    own: str | None = None  # lookup from the model to the assigned official's primary key
    department_roles: frozenset[str] = frozenset()  # roles that see every row of this model


_scopes: dict[type[Model], Scope] = {}


def register(
    model: type[Model], *, branch: str | None = None, own: str | None = None, department_roles: Iterable[str] = ()
) -> None:
    """Declare how a model's rows are scoped (called from each app's AppConfig.ready)."""
    _scopes[model] = Scope(branch=branch, own=own, department_roles=frozenset(department_roles))


def scope_of(model: type[Model]) -> Scope:
    try:
        return _scopes[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no staff scope: register it in customs_feedback.organization.scoping"
        ) from None


def is_scoped(model: type[Model]) -> bool:
    return model in _scopes


def staff_official(user):
    """The Official record behind a staff account, or None (read once per user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_customs_official"):
        from customs_feedback.organization.models import Official

        user._customs_official = Official.objects.filter(user=user, is_active=True).first()
    return user._customs_official


def sees_everything(user, model: type[Model]) -> bool:
    """True when the user's role puts no branch limit on this model."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    if user.is_superuser:
        return True
    roles = user_roles(user)
    return Role.DEPARTMENT_LEADERSHIP in roles or bool(roles & scope_of(model).department_roles)


def for_user(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` this staff user may see; nothing for anyone who is not active staff."""
    scope = scope_of(queryset.model)
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return queryset.none()
    if sees_everything(user, queryset.model):
        return queryset
    official = staff_official(user)
    if official is None:
        return queryset.none()
    roles = user_roles(user)
    condition = Q(pk__in=[])
    if Role.BRANCH_LEADER in roles and scope.branch:
        condition |= Q(**{scope.branch: official.branch_id})
    if Role.BRANCH_OFFICER in roles:
        if scope.own:
            condition |= Q(**{scope.own: official.pk})
        elif scope.branch:
            condition |= Q(**{scope.branch: official.branch_id})
    return queryset.filter(condition)


def user_branch_ids(user) -> list[int] | None:
    """Branches whose figures the user may read; None means all of them."""
    from customs_feedback.organization.models import Branch

    if sees_everything(user, Branch):
        return None
    return list(for_user(user, Branch.objects.all()).values_list("pk", flat=True))
