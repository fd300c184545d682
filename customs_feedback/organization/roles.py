"""Staff roles. Each is a Django group (created by a data migration) named by its code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPARTMENT_LEADERSHIP = "department_leadership", _("Department leadership")
    BRANCH_LEADER = "branch_leader", _("Branch leader")
    BRANCH_OFFICER = "branch_officer", _("Branch officer")
    PARTNERSHIP_DESK = "partnership_desk", _("Partnership desk")
    INQUIRY_DESK = "inquiry_desk", _("Inquiry desk")
    # Thanh tra – Kiểm tra: department level, verifies ratings and investigates where a branch cannot.
    INSPECTION_DESK = "inspection_desk", _("Inspection desk")
    OFFICIAL = "official", _("Customs official")


def user_roles(user) -> frozenset[str]:
    """The role codes of a user, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_customs_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._customs_roles = cached
    return cached


# Each app grants its permissions to roles from its AppConfig.ready(); after every migrate the
# groups are set to exactly these permissions (see sync_role_permissions).
_grants: dict[str, set[str]] = {role: set() for role in Role.values}


def grant(role: str, *permissions: str) -> None:
    """Give a role permissions named 'app_label.codename'."""
    _grants[role].update(permissions)


def granted(role: str) -> frozenset[str]:
    return frozenset(_grants[role])


def sync_role_permissions(sender=None, **_kwargs) -> None:
    """Make each role's group hold exactly the granted permissions (post_migrate receiver).

    post_migrate is sent once per app; the sync waits for the last one, when every app's
    permissions exist.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    apps_with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender is not apps_with_models[-1]:
        return

    for role, names in _grants.items():
        group, _created = Group.objects.get_or_create(name=role)
        condition = Q(pk__in=[])
        for name in names:
            app_label, codename = name.split(".", 1)
            condition |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(condition))
        missing = names - {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        if missing:
            raise LookupError(f"Role {role} is granted unknown permissions: {sorted(missing)}")
        group.permissions.set(permissions)
