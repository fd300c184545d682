"""The ratings and follow-up sections of the results report: every figure is one aggregate query."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from customs_feedback.core.reporting import Column, ReportScope, Section, Table, report_section, share
from ratings.models import (
    REJECTED_COLUMNS,
    CaseStatus,
    Conclusion,
    FollowUpCase,
    Rating,
    RatingStatus,
    RejectionReason,
    Score,
)
from ratings.rollups import COUNTER_COLUMNS, LOW, period_rollups

TARGETS = ("official", "team", "branch")


def _target_labels() -> dict[str, str]:
    return {"official": _("Customs official"), "team": _("Working team"), "branch": _("Customs branch")}


def _counted_ratings(scope: ReportScope):
    """Ratings submitted in the period; rejected ones are kept apart and never scored."""
    period = scope.period
    return scope.rows(Rating.objects.filter(submitted_on__range=(period.first_day, period.last_day)), "branch_id")


@report_section(order=20)
def ratings_section(scope: ReportScope) -> Section:
    # Declarations cleared are summed from the daily rollup (counted on their clearance day, as here): a year
    # of the national set is 20 million rows to count, against a few tens of thousands of rollup rows.
    # Counted ratings, their score distributions, the low ones (any score of 2 or less) and the rejected ones by
    # reason are in the same rollup rows (averages follow from the distributions).
    branch_sums = _branch_sums(scope)
    figures = _totals(branch_sums)
    declarations = figures["declarations"]
    overview = Table(
        _("Ratings"),
        [Column(_("Figure"), "text"), Column(_("Number"))],
        [
            [_("Declarations cleared"), declarations],
            [_("Ratings counted"), figures["ratings"]],
            [_("Low ratings (2 stars or fewer)"), figures["low"]],
            [_("Rejected ratings (not counted)"), sum(figures[column] for column in REJECTED_COLUMNS)],
        ],
    )
    participation = Table(
        _("Participation"),
        [Column(_("Figure"), "text"), Column(_("Share"), "percent")],
        [
            [_("Participation rate"), share(figures["ratings"], declarations)],
            [
                _("Satisfied share (4–5 stars for the branch)"),
                share(
                    figures["branch_4"] + figures["branch_5"],
                    sum(figures[f"branch_{score}"] for score in Score.values),
                ),
            ],
        ],
    )
    labels = _target_labels()
    averages = Table(
        _("Average score and distribution by target"),
        [
            Column(_("Target"), "text"),
            Column(_("Average"), "decimal"),
            *(Column(_("%(stars)s stars") % {"stars": score}) for score in sorted(Score.values, reverse=True)),
        ],
        [
            [
                labels[target],
                figures[f"average_{target}"],
                *(figures[f"{target}_{score}"] for score in sorted(Score.values, reverse=True)),
            ]
            for target in TARGETS
        ],
    )
    return Section(
        _("Service ratings"),
        [overview, participation, averages, _by_branch(branch_sums)],
    )


def _branch_sums(scope: ReportScope) -> list[dict]:
    """The period's rollup counters summed per branch, shared by both sections of this report: from the monthly
    rollup for the period's whole months (a year: 12 rows per key instead of 365), the daily one for any days
    left over."""
    if "ratings_by_branch" not in scope.shared:
        period = scope.period
        by_branch: dict[int, dict] = {}
        for rows in period_rollups(first_day=period.first_day, last_day=period.last_day):
            sums = (
                scope.rows(rows, "branch_id")
                .values("branch_id", "branch__code", "branch__name_vi")
                .annotate(**{column: Sum(column) for column in COUNTER_COLUMNS})
                .order_by()
            )
            for row in sums:
                branch = by_branch.setdefault(row["branch_id"], {**row, **dict.fromkeys(COUNTER_COLUMNS, 0)})
                for column in COUNTER_COLUMNS:
                    branch[column] += row[column] or 0
        scope.shared["ratings_by_branch"] = sorted(by_branch.values(), key=lambda row: row["branch__code"])
    return scope.shared["ratings_by_branch"]


def _totals(branch_sums: list[dict]) -> dict:
    return _with_averages({column: sum(row[column] or 0 for row in branch_sums) for column in COUNTER_COLUMNS})


def _with_averages(counters: dict) -> dict:
    """The counters plus each target's average score (None without a score), as AVG over the ratings gives."""
    for target in TARGETS:
        counts = {score: counters[f"{target}_{score}"] or 0 for score in Score.values}
        given = sum(counts.values())
        counters[f"average_{target}"] = sum(score * count for score, count in counts.items()) / given if given else None
    return counters


def _by_branch(branch_sums: list[dict]) -> Table:
    """Per branch that has counted ratings in the period, from the daily rollup's sums per branch."""
    rows = [_with_averages(dict(row)) for row in branch_sums if row["ratings"]]
    table = Table(
        _("By branch"),
        [
            Column(_("Branch"), "text"),
            Column(_("Declarations cleared")),
            Column(_("Ratings")),
            Column(_("Participation"), "percent"),
            Column(_("Average (official)"), "decimal"),
            Column(_("Average (team)"), "decimal"),
            Column(_("Average (branch)"), "decimal"),
        ],
    )
    for row in rows:
        declarations = row["declarations"] or 0
        table.rows.append([
            f"{row['branch__code']} – {row['branch__name_vi']}",
            declarations,
            row["ratings"],
            share(row["ratings"], declarations),
            row["average_official"],
            row["average_team"],
            row["average_branch"],
        ])  # fmt: skip
    return table


def _case_opened_since(ratings, start):
    """The `ratings` whose case was opened at `start` or later: every rating of a period from `start` on that has
    a case is among them (a case opens with its rating, or later when a rejected rating is reinstated).

    On PostgreSQL `id = ANY(ARRAY(…))`, which the planner evaluates first, then reads the ratings by their key: as
    a join it misjudged the ratings of a month (5,510 estimated, a few dozen there) and walked the ratings' key
    index past all 2 million looking for the three cases' ratings (525 ms for last month on the big set)."""
    if connection.vendor != "postgresql":
        return ratings.filter(pk__in=FollowUpCase.objects.filter(opened_at__gte=start).values("rating_id"))
    case, rating = FollowUpCase._meta.db_table, Rating._meta.db_table
    opened_since = f'"{rating}"."id" = ANY(ARRAY(SELECT rating_id FROM "{case}" WHERE opened_at >= %s))'  # noqa: S608
    return ratings.extra(where=[opened_since], params=[start])  # noqa: S610 - fixed names, the date a parameter


@report_section(order=30)
def followup_section(scope: ReportScope) -> Section:
    """How the low ratings of the period ended, why ratings were rejected, and the actions taken."""
    period = scope.period
    counted = _counted_ratings(scope)
    # The low ratings from the rollup; their cases' outcomes from the ratings that have a case, looked up from the
    # cases (see _case_opened_since), so the period's ratings without a case are never read one by one.
    sums = _totals(_branch_sums(scope))
    low_total = sums["low"]
    with_case = (
        _case_opened_since(counted, period.start)
        .exclude(status=RatingStatus.REJECTED)
        .filter(LOW, case__isnull=False)
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(case__status=CaseStatus.OPEN)),
            substantiated=Count("pk", filter=Q(case__conclusion=Conclusion.SUBSTANTIATED)),
            not_substantiated=Count("pk", filter=Q(case__conclusion=Conclusion.NOT_SUBSTANTIATED)),
        )
    )
    outcome = {**with_case, "total": low_total, "without_case": low_total - with_case["total"]}
    outcomes = Table(
        _("Low ratings and how their cases ended"),
        [Column(_("Outcome"), "text"), Column(_("Ratings"))],
        [
            [_("Low ratings"), outcome["total"]],
            [_("Case still open"), outcome["open"]],
            [Conclusion.SUBSTANTIATED.label, outcome["substantiated"]],
            [Conclusion.NOT_SUBSTANTIATED.label, outcome["not_substantiated"]],
            [_("No case opened"), outcome["without_case"]],
        ],
    )
    rejections = Table(
        _("Rejected ratings by reason"),
        [Column(_("Reason"), "text"), Column(_("Ratings"))],
        [[reason.label, sums[f"rejected_{reason.value}"]] for reason in RejectionReason],
    )
    closed = scope.rows(
        FollowUpCase.objects.filter(closed_at__gte=period.start, closed_at__lt=period.end), "branch_id"
    ).order_by("closed_at", "pk")
    actions = Table(
        _("Follow-up actions taken"),
        [
            Column(_("Case"), "text"),
            Column(_("Branch"), "text"),
            Column(_("Closed on"), "date"),
            Column(_("Conclusion"), "text"),
            Column(_("Action taken"), "text"),
        ],
        [
            [case.reference, case.branch.code, case.closed_at, case.get_conclusion_display(), case.action_taken]
            for case in closed.select_related("branch")
        ],
    )
    return Section(_("Follow-up of low ratings"), [outcomes, rejections, actions])
