from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role
        from partnerships.models import Enterprise

        # The enterprise registry is run by the partnership desk for the whole department.
        scoping.register(Enterprise, department_roles=[Role.PARTNERSHIP_DESK])
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "partnerships.view_enterprise")
        roles.grant(
            Role.PARTNERSHIP_DESK,
            "partnerships.view_enterprise",
            "partnerships.add_enterprise",
            "partnerships.change_enterprise",
        )
