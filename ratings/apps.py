from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Service ratings")

    def ready(self) -> None:
        from customs_feedback.core.portal import register_section
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role
        from ratings.models import ApiClient, DailyRollup, Declaration, FollowUpCase, Rating

        # Branch staff see their branch; a follow-up case is also the assigned investigator's own work.
        scoping.register(Declaration, branch="branch_id")
        scoping.register(Rating, branch="branch_id")
        scoping.register(FollowUpCase, branch="branch_id", own="assigned_to_id")
        scoping.register(DailyRollup, branch="branch_id")
        scoping.register(ApiClient)  # no branch: only the superuser (no role holds its permissions)

        roles.grant(
            Role.DEPARTMENT_LEADERSHIP,
            "ratings.view_declaration",
            "ratings.view_rating",
            "ratings.view_followupcase",
        )
        roles.grant(
            Role.BRANCH_LEADER,
            "ratings.view_declaration",
            "ratings.view_rating",
            "ratings.change_rating",
            "ratings.view_followupcase",
            "ratings.change_followupcase",
        )
        roles.grant(
            Role.BRANCH_OFFICER,
            "ratings.view_declaration",
            "ratings.view_rating",
            "ratings.change_rating",
            "ratings.view_followupcase",
            "ratings.change_followupcase",
        )
        register_section(
            url_name="ratings:public_stats",
            label=_("Service ratings"),
            description=_("How satisfied businesses are with each customs branch, week by week."),
            order=20,
        )
        from customs_feedback.core.enterprise import register_enterprise_section
        from ratings import company_views

        register_enterprise_section(
            slug="declarations",
            label=_("Declarations"),
            order=20,
            view=company_views.declarations_section,
            summary=company_views.declarations_summary,
        )
        register_enterprise_section(
            slug="ratings",
            label=_("Ratings"),
            order=30,
            view=company_views.ratings_section,
            summary=company_views.ratings_summary,
        )
