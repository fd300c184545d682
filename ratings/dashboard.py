"""Service-rating figures on the back-office dashboard: branch staff and leadership see their branches,
a customs official sees the aggregates of their own work only (never a rater), from the minimum sample."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from customs_feedback.core.dashboard import Chart, Figure, Panel, panel
from customs_feedback.organization.scoping import for_user, staff_official
from ratings.models import CaseStatus, FollowUpCase
from ratings.periods import last_closed_periods
from ratings.selectors import (
    official_period_figures,
    rating_monthly_counts,
    stats_scope,
)
from ratings.statistics_page import statistics_figures


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{number_format(share * 100, 1)}%"


def _stars(average: float | None) -> str:
    return "—" if average is None else f"{number_format(average, 2)} ★"


@panel(order=20)
def ratings_panel(request) -> Panel | None:
    user = request.user
    year_ago = timezone.localdate() - timedelta(days=365)
    stats_filter, own_only = stats_scope(user, date_from=year_ago)
    if own_only:
        return _own_panel(user)
    if not user.has_perm("ratings.view_rating"):
        return None
    # Total and branches in one pass over the monthly rollup and the days left over (no weekly trend here).
    figures = statistics_figures(stats_filter=stats_filter, levels=("branch",), min_sample=0, trend_weeks=0)
    stats = figures["total"]
    average = stats.get("average") or {}
    today = timezone.localdate()
    cases = for_user(user, FollowUpCase.objects.filter(status=CaseStatus.OPEN))
    overdue = cases.filter(due_date__lt=today).count()
    case_list = reverse("admin:ratings_followupcase_changelist")
    statistics = reverse("admin:ratings_dailyrollup_changelist")
    return Panel(
        title=_("Service ratings (12 months)"),
        figures=[
            Figure(_("ratings received"), stats["ratings"], reverse("admin:ratings_rating_changelist")),
            Figure(_("participation rate"), _percent(stats["participation_rate"]), statistics),
            Figure(_("rated 4–5 stars"), _percent(stats["satisfied_share"]), statistics),
            Figure(_("average, official"), _stars(average.get("official")), statistics),
            Figure(_("open follow-up cases"), cases.count(), f"{case_list}?status__exact=open"),
            Figure(
                _("overdue follow-up cases"),
                overdue,
                f"{case_list}?status__exact=open&due_date__lt={today:%Y-%m-%d}",
                "bad" if overdue else "good",
            ),
        ],
        charts=[
            Chart(_("Ratings received per month"), rating_monthly_counts(stats_filter=stats_filter), url=statistics)
        ],
        tables=[
            {
                "title": _("By branch"),
                "columns": [_("Branch"), _("Ratings"), _("Participation"), _("Average, branch"), _("4–5 stars")],
                "rows": [
                    [
                        row["code"],
                        row["ratings"],
                        _percent(row["participation_rate"]),
                        _stars((row.get("average") or {}).get("branch")),
                        _percent(row["satisfied_share"]),
                    ]
                    for row in figures["breakdowns"]["branch"]
                ],  # fmt: skip
            }
        ],
    )


def _own_panel(user) -> Panel:
    """The official's own figures for the last closed month only (never a running window), and their record."""
    official = staff_official(user)
    period = last_closed_periods(timezone.localdate(), months=1)[0]
    stats = official_period_figures(official_id=official.pk if official else -1, period=period)
    average = stats.get("average")
    record = reverse("admin:ratings_official_record", args=[official.pk]) if official else None
    statistics = reverse("admin:ratings_dailyrollup_changelist")
    figures = [Figure(_("ratings of my work in %(period)s") % {"period": period.code}, stats["ratings"], statistics)]
    if average is None:
        figures.append(Figure(_("scores are shown from %(count)d ratings") % {"count": stats["min_sample"]}, "—"))
    else:
        figures += [
            Figure(_("average, official"), _stars(average.get("official"))),
            Figure(_("rated 4–5 stars"), _percent(stats["satisfied_share"])),
        ]
    if record:
        cases = FollowUpCase.objects.filter(rating__official_id=official.pk, status=CaseStatus.OPEN).count()
        figures.append(Figure(_("my open follow-up cases"), cases, record))
    return Panel(title=_("My service ratings (closed periods)"), figures=figures)
