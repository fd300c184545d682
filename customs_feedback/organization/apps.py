from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "customs_feedback.organization"
    label = "organization"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.models import Branch, Official, Team
        from customs_feedback.organization.roles import Role

        desks = [Role.PARTNERSHIP_DESK, Role.INQUIRY_DESK, Role.INSPECTION_DESK]
        department_wide = [Role.INQUIRY_DESK, Role.INSPECTION_DESK]
        scoping.register(Branch, branch="pk", department_roles=desks)
        scoping.register(Team, branch="branch", department_roles=department_wide)
        scoping.register(Official, branch="branch", own="pk", department_roles=department_wide)

        view_all = ["organization.view_branch", "organization.view_team", "organization.view_official"]
        roles.grant(Role.DEPARTMENT_LEADERSHIP, *view_all, "organization.add_branch", "organization.change_branch")
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "organization.add_team", "organization.change_team")
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "organization.add_official", "organization.change_official")
        roles.grant(Role.BRANCH_LEADER, *view_all, "organization.change_official")
        roles.grant(Role.BRANCH_OFFICER, *view_all)
        roles.grant(Role.INQUIRY_DESK, *view_all)
        roles.grant(Role.INSPECTION_DESK, *view_all)
        roles.grant(Role.PARTNERSHIP_DESK, "organization.view_branch")

        from axes.models import AccessAttempt

        scoping.register(AccessAttempt)  # department leadership (and superusers) only
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "axes.view_accessattempt", "axes.delete_accessattempt")

        # After the last app migrated, so every app's permissions exist.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="organization.sync_role_permissions")
