from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        from customs_feedback.core.portal import register_section
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role
        from partnerships import checks  # noqa: F401 - registers the signing configuration checks
        from partnerships.models import (
            Agreement,
            AgreementEvent,
            AgreementTemplate,
            AgreementTextAcceptance,
            Enterprise,
        )

        # The registry and the agreements are run by the partnership desk for the whole department.
        scoping.register(Enterprise, department_roles=[Role.PARTNERSHIP_DESK])
        scoping.register(Agreement, branch="enterprise__branch", department_roles=[Role.PARTNERSHIP_DESK])
        scoping.register(
            AgreementEvent, branch="agreement__enterprise__branch", department_roles=[Role.PARTNERSHIP_DESK]
        )
        scoping.register(AgreementTemplate, department_roles=[Role.PARTNERSHIP_DESK])
        scoping.register(
            AgreementTextAcceptance, branch="agreement__enterprise__branch", department_roles=[Role.PARTNERSHIP_DESK]
        )
        roles.grant(
            Role.DEPARTMENT_LEADERSHIP,
            "partnerships.view_enterprise",
            "partnerships.view_agreement",
            "partnerships.view_agreementevent",
            "partnerships.view_agreementtemplate",
            "partnerships.decide_agreement",
        )
        roles.grant(
            Role.PARTNERSHIP_DESK,
            "partnerships.view_enterprise",
            "partnerships.add_enterprise",
            "partnerships.change_enterprise",
            "partnerships.view_agreement",
            "partnerships.view_agreementevent",
            "partnerships.decide_agreement",
            "partnerships.view_agreementtemplate",
            "partnerships.add_agreementtemplate",
        )
        from customs_feedback.core.portal import register_public_figures
        from partnerships.selectors import partnership_public_figures

        register_public_figures(order=10, provider=partnership_public_figures)
        self._register_enterprise_portal()
        register_section(
            url_name="partnerships:sign",
            label=_("Partnership agreement"),
            description=_("Sign the Customs–Business partnership agreement online and receive its certificate."),
            order=10,
        )

    def _register_enterprise_portal(self) -> None:
        from customs_feedback.core.enterprise import register_enterprise_section
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role
        from partnerships import member_views
        from partnerships.models import EnterpriseUser, MemberEvent

        # The partnership desk sees every company's users and their history (read-only).
        scoping.register(EnterpriseUser, branch="enterprise__branch", department_roles=[Role.PARTNERSHIP_DESK])
        scoping.register(MemberEvent, branch="enterprise__branch", department_roles=[Role.PARTNERSHIP_DESK])
        for role in (Role.PARTNERSHIP_DESK, Role.DEPARTMENT_LEADERSHIP):
            roles.grant(role, "partnerships.view_enterpriseuser", "partnerships.view_memberevent")

        register_enterprise_section(
            slug="agreement",
            label=_("Partnership agreement"),
            order=10,
            view=member_views.agreement_section,
            summary=member_views.agreement_summary,
        )
        register_enterprise_section(
            slug="people",
            label=_("Users"),
            order=70,
            view=member_views.people_section,
            summary=member_views.people_summary,
        )
        from customs_feedback.core.portal import register_section

        register_section(
            url_name="enterprise:home",
            label=_("Enterprise portal"),
            description=_(
                "Your company's home: agreement, declarations to rate, ratings, inquiries and notices in one place."
            ),
            order=40,
        )
        register_enterprise_section(slug="notices", label=_("Notices"), order=80, view=member_views.notices_section)
        register_enterprise_section(slug="settings", label=_("Settings"), order=90, view=member_views.settings_section)
