from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Service ratings")

    def ready(self) -> None:
        from customs_feedback.core.portal import register_section
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role
        from ratings.models import (
            ApiClient,
            CaseAppeal,
            DailyRollup,
            Declaration,
            FollowUpCase,
            MonthlyRollup,
            RaterIdentityView,
            Rating,
            RatingContest,
            RatingFlag,
        )

        # Branch leaders see their branch; a branch officer sees the cases assigned to them and their ratings;
        # the inspection desk works department-wide. (Who may see a rater is decided in ratings.selectors.)
        inspection = [Role.INSPECTION_DESK]
        scoping.register(Declaration, branch="branch_id", department_roles=inspection)
        scoping.register(Rating, branch="branch_id", own="case__assigned_to_id", department_roles=inspection)
        scoping.register(FollowUpCase, branch="branch_id", own="assigned_to_id", department_roles=inspection)
        scoping.register(DailyRollup, branch="branch_id", department_roles=inspection)
        scoping.register(MonthlyRollup, branch="branch_id", department_roles=inspection)
        scoping.register(ApiClient)  # no branch: only the superuser (no role holds its permissions)
        scoping.register(RatingContest, department_roles=inspection)
        scoping.register(CaseAppeal, branch="case__branch_id", own="official_id")  # leadership decides
        scoping.register(RatingFlag, department_roles=inspection)  # flags name enterprises
        scoping.register(RaterIdentityView, department_roles=inspection)

        roles.grant(
            Role.DEPARTMENT_LEADERSHIP,
            "ratings.view_declaration",
            "ratings.view_rating",
            "ratings.view_followupcase",
            "ratings.view_caseappeal",
            "ratings.view_ratingcontest",
            "ratings.view_rateridentityview",
        )
        roles.grant(
            Role.INSPECTION_DESK,
            "ratings.view_declaration",
            "ratings.view_rating",
            "ratings.change_rating",
            "ratings.view_followupcase",
            "ratings.change_followupcase",
            "ratings.view_ratingcontest",
            "ratings.view_ratingflag",
            "ratings.change_ratingflag",
            "ratings.view_rateridentityview",
        )
        roles.grant(
            Role.BRANCH_LEADER,
            "ratings.view_declaration",
            "ratings.view_rating",
            "ratings.change_rating",
            "ratings.view_followupcase",
            "ratings.change_followupcase",
            "ratings.view_caseappeal",
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
