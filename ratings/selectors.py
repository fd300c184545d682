"""Statistics from the daily rollup (never by scanning the ratings), for the API, the admin, the portal pages
and the exports; who may see which figures is asked of ratings.access."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connections
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import DomainError, PermissionDenied
from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.organization.roles import Role, user_roles
from customs_feedback.organization.scoping import sees_everything, user_branch_ids
from ratings.access import is_active_staff, may_read_individual_figures, own_official_id
from ratings.models import SCORE_COLUMNS, DailyRollup, MonthlyRollup
from ratings.periods import Period
from ratings.rollups import COUNTER_COLUMNS, TARGETS, period_rollups


@dataclass(frozen=True)
class StatsFilter:
    branch_ids: list[int] | None = None  # None: every branch
    team_id: int | None = None
    official_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def rollup_rows(stats_filter: StatsFilter):
    rows = _keys_filtered(DailyRollup.objects.all(), stats_filter)
    if stats_filter.date_from is not None:
        rows = rows.filter(day__gte=stats_filter.date_from)
    if stats_filter.date_to is not None:
        rows = rows.filter(day__lte=stats_filter.date_to)
    return rows


def rollup_parts(stats_filter: StatsFilter) -> list:
    """The rows of `rollup_rows` as the monthly rollup's rows of the whole months between the filter's dates and
    the daily rows of the days left over (see ratings.rollups.period_rollups); they sum to the same counters."""
    parts = period_rollups(first_day=stats_filter.date_from, last_day=stats_filter.date_to)
    return [_keys_filtered(rows, stats_filter) for rows in parts]


def _keys_filtered(rows, stats_filter: StatsFilter):
    if stats_filter.branch_ids is not None:
        rows = rows.filter(branch_id__in=stats_filter.branch_ids)
    if stats_filter.team_id is not None:
        rows = rows.filter(team_id=stats_filter.team_id)
    if stats_filter.official_id is not None:
        rows = rows.filter(official_id=stats_filter.official_id)
    return rows


_SUMS = {column: Sum(column) for column in COUNTER_COLUMNS}


def rollup_sums(rows) -> dict[str, int | None]:
    """`rows.aggregate(**_SUMS)` for rows of `rollup_rows`, in a statement whose list of sums is written once per
    process: the ORM resolved and compiled the 21 sums anew on every call, as long as PostgreSQL took to run the
    statement on a year of a branch at 20 M declarations (bench/RESULTS.md, issue 15, twelfth pass). The rows'
    filter is the ORM's own, compiled as Django compiles it."""
    query = rows.query
    if sum(1 for count in query.alias_refcount.values() if count) > 1:  # the statement's FROM names one table
        raise ValueError("rollup_sums takes rows filtered on the rollup's own columns.")
    try:
        condition, params = query.get_compiler(using=rows.db).compile(query.where)
    except EmptyResultSet:  # e.g. no branch at all: nothing to sum, as aggregate() answers
        return dict.fromkeys(COUNTER_COLUMNS)
    except FullResultSet:  # no filter
        condition, params = "", []
    sql = _rollup_sums_select(rows.model, rows.db) + (f" WHERE {condition}" if condition else "")
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        sums = cursor.fetchone()
    # PostgreSQL sums integers as bigint (an int here) and SQLite as integer; None when no row matched.
    return {column: None if value is None else int(value) for column, value in zip(COUNTER_COLUMNS, sums, strict=True)}


@cache
def _rollup_sums_select(model, using: str) -> str:
    quote = connections[using].ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(f"SUM({table}.{quote(model._meta.get_field(column).column)})" for column in COUNTER_COLUMNS)
    return f"SELECT {columns} FROM {table}"  # noqa: S608 (names from the model)


def figures_from_counters(sums: Mapping[str, int | None], *, min_sample: int = 0) -> dict:
    """The published figures from summed counters; below `min_sample` ratings the scores are withheld."""
    counters = {column: sums.get(column) or 0 for column in COUNTER_COLUMNS}
    declarations, ratings = counters["declarations"], counters["ratings"]
    figures: dict = {
        "declarations": declarations,
        "ratings": ratings,
        "participation_rate": round(ratings / declarations, 4) if declarations else None,
    }
    if ratings < min_sample:
        figures.update(average=None, distribution=None, satisfied_share=None)
        return figures
    average, distribution = {}, {}
    given = satisfied = 0
    for target in TARGETS:
        counts = {str(score): counters[f"{target}_{score}"] for score in range(1, 6)}
        total = sum(counts.values())
        distribution[target] = counts
        average[target] = (
            round(sum(score * counters[f"{target}_{score}"] for score in range(1, 6)) / total, 2) if total else None
        )
        given += total
        satisfied += counts["4"] + counts["5"]
    figures.update(
        average=average,
        distribution=distribution,
        # Of all scores given (official, team and branch together), the share that are 4 or 5 stars.
        satisfied_share=round(satisfied / given, 4) if given else None,
    )
    return figures


def rating_stats(*, stats_filter: StatsFilter, min_sample: int = 0) -> dict:
    """The totals of `GET /api/v1/ratings/stats/` for one filter."""
    return figures_from_counters(rollup_sums(rollup_rows(stats_filter)), min_sample=min_sample)


def bayesian_average(score_sum: int, count: int, *, prior_mean: float | None, prior_weight: int) -> float | None:
    """The average pulled toward `prior_mean` as if `prior_weight` ratings of that mean were added:
    a handful of ratings moves a team or an official only a little from the branch mean."""
    if prior_mean is None:
        return round(score_sum / count, 2) if count else None
    return round((score_sum + prior_weight * prior_mean) / (count + prior_weight), 2)


def _target_sum_count(counters: dict, target: str) -> tuple[int, int]:
    counts = [counters.get(f"{target}_{score}") or 0 for score in range(1, 6)]
    return sum(score * count for score, count in zip(range(1, 6), counts, strict=True)), sum(counts)


def rating_stats_breakdown(*, stats_filter: StatsFilter, by: str, min_sample: int = 0) -> list[dict]:
    """The figures per branch, team or official, with their names and sample size.

    Team and official rows carry `ranking`, a Bayesian average of each target toward their branch's mean,
    and come ranked by it: a single rating never puts anyone first or last. Below `min_sample` ratings the
    scores and the ranking are withheld (those rows come last, by code)."""
    group = {"branch": "branch_id", "team": "team_id", "official": "official_id"}[by]
    labels = {
        "branch": (F("branch__code"), F("branch__name_vi")),
        "team": (F("team__code"), F("team__name_vi")),
        "official": (F("official__code"), F("official__full_name")),
    }[by]
    rows = list(
        rollup_rows(stats_filter)
        .values(group, "branch_id")
        .annotate(code=labels[0], name=labels[1], **_SUMS)
        .order_by("code")
    )
    return breakdown_from_rows(rows, by=by, min_sample=min_sample)


def breakdown_from_rows(rows: list[dict], *, by: str, min_sample: int = 0) -> list[dict]:
    """rating_stats_breakdown's result from its summed rows (`code`, `name`, `branch_id` and the counters),
    ordered by code."""
    if by == "branch":
        return [{"code": row["code"], "name": row["name"], **figures_from_counters(row)} for row in rows]
    branch_totals: defaultdict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTER_COLUMNS, 0))
    for row in rows:
        for column in COUNTER_COLUMNS:
            branch_totals[row["branch_id"]][column] += row[column] or 0
    weight = settings.RATING_RANKING_PRIOR_WEIGHT
    result = []
    for row in rows:
        ranking = {}
        for target in TARGETS:
            branch_sum, branch_count = _target_sum_count(branch_totals[row["branch_id"]], target)
            own_sum, own_count = _target_sum_count(row, target)
            prior = branch_sum / branch_count if branch_count else None
            ranking[target] = bayesian_average(own_sum, own_count, prior_mean=prior, prior_weight=weight)
        figures = figures_from_counters(row, min_sample=min_sample)
        sample = row["ratings"] or 0
        published = ranking if sample >= min_sample else None
        result.append({"code": row["code"], "name": row["name"], "sample": sample, **figures, "ranking": published})
    target = "official" if by == "official" else "team"
    result.sort(key=lambda item: (item["ranking"] is None, -((item["ranking"] or {}).get(target) or 0), item["code"]))
    return result


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rating_stats_weekly(*, stats_filter: StatsFilter, min_sample: int = 0) -> list[dict]:
    """The weekly trend: one entry per ISO week (starting Monday) that has figures."""
    return weekly_from_days(rollup_rows(stats_filter).values("day").annotate(**_SUMS), min_sample=min_sample)


# The statistics page's weekly trend covers the last 13 weeks of its period, as the public page's does: a quarter
# of weeks reads; a year or all time of them (53 to hundreds of table rows) does not, and would read every daily
# row of the period. The totals and breakdowns still cover the whole period; the CSV export has every week.
TREND_WEEKS = 13


def trend_window(stats_filter: StatsFilter, *, weeks: int = TREND_WEEKS, today: date | None = None) -> StatsFilter:
    """The filter narrowed to the last `weeks` ISO weeks of its period (up to its last day, or today), whole weeks
    except where the period itself starts later."""
    last_day = stats_filter.date_to or today or timezone.localdate()
    first_day = week_start(last_day) - timedelta(weeks=weeks - 1)
    if stats_filter.date_from is not None:
        first_day = max(first_day, stats_filter.date_from)
    return replace(stats_filter, date_from=first_day)


def weekly_from_days(day_rows, *, min_sample: int = 0) -> list[dict]:
    """rating_stats_weekly's result from per-day summed counters (`day` and the counters)."""
    weeks: defaultdict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTER_COLUMNS, 0))
    for row in day_rows:
        bucket = weeks[week_start(row["day"])]
        for column in COUNTER_COLUMNS:
            bucket[column] += row[column] or 0
    return [{"week": start, **figures_from_counters(weeks[start], min_sample=min_sample)} for start in sorted(weeks)]


def rating_monthly_counts(*, stats_filter: StatsFilter, months: int = 12) -> list[tuple[str, float]]:
    """Counted (not rejected) ratings per month of the last `months`, zero where none: the monthly rollup's rows,
    and the daily rows of a month the filter cuts (never every day of the year)."""
    from customs_feedback.core.dashboard import last_months

    window = last_months(months)
    first_day = window[0] if stats_filter.date_from is None else max(window[0], stats_filter.date_from)
    totals: defaultdict[date, int] = defaultdict(int)
    for rows in rollup_parts(replace(stats_filter, date_from=first_day)):
        column = "month" if rows.model is MonthlyRollup else "day"
        per_month = rows.annotate(of_month=TruncMonth(column)).values("of_month").annotate(total=Sum("ratings"))
        for row in per_month.order_by():
            totals[row["of_month"]] += row["total"] or 0
    return [(f"{month:%m/%y}", totals.get(month, 0)) for month in window]


def min_sample() -> int:
    return settings.RATING_MIN_SAMPLE


CSV_COLUMNS = ["declarations", "ratings", "participation_rate", "satisfied_share"] + [
    f"average_{target}" for target in TARGETS
]
DISTRIBUTION_COLUMNS = SCORE_COLUMNS


def flatten(figures: dict) -> dict:
    """One CSV row from a figures dict."""
    flat = {column: figures.get(column) for column in ("declarations", "ratings", "participation_rate")}
    flat["satisfied_share"] = figures.get("satisfied_share")
    for target in TARGETS:
        flat[f"average_{target}"] = (figures.get("average") or {}).get(target)
        for score in range(1, 6):
            flat[f"{target}_{score}"] = ((figures.get("distribution") or {}).get(target) or {}).get(str(score))
    return flat


# --- Statistics for a caller ------------------------------------------------------------------------


class SignInRequired(DomainError):
    status_code = 401


def official_period_figures(*, official_id: int, period: Period) -> dict:
    """An official's figures for one closed period, published only when every month of it has no rating or
    at least the minimum sample: then any two published answers differ by whole months of that size, and
    subtracting them never isolates fewer ratings than the minimum."""
    sample = min_sample()
    monthly = []
    for first, last in period.months():
        counters = rollup_sums(rollup_rows(StatsFilter(official_id=official_id, date_from=first, date_to=last)))
        monthly.append(counters["ratings"] or 0)
    totals = rollup_sums(
        rollup_rows(StatsFilter(official_id=official_id, date_from=period.first_day, date_to=period.last_day))
    )
    complete = all(count == 0 or count >= sample for count in monthly)
    figures = figures_from_counters(totals, min_sample=sample if complete else 10**9)
    return {**figures, "period": period.code, "min_sample": sample}


def _stats_subjects(
    user, branch_code: str, team_code: str, official_code: str
) -> tuple[Branch | None, Team | None, Official | None]:
    """The branch, team and official a stats query names (each None when not asked), checked to exist; team
    and official level only for signed-in staff."""
    branch = Branch.objects.filter(code=branch_code.upper()).first() if branch_code else None
    if branch_code and branch is None:
        raise ValidationError({"branch": [_("Unknown branch code %(code)s.") % {"code": branch_code}]})
    if team_code and not branch_code:
        raise ValidationError({"team": [_("Give the branch of the team too.")]})
    if (team_code or official_code) and not is_active_staff(user):
        raise SignInRequired(_("Team and official figures are for customs staff: please sign in."))
    team = official = None
    if team_code:
        team = Team.objects.filter(branch=branch, code=team_code).first()
        if team is None:
            raise ValidationError({"team": [_("Unknown team code %(code)s.") % {"code": team_code}]})
    if official_code:
        official = Official.objects.filter(code=official_code).first()
        if official is None:
            raise ValidationError({"official": [_("Unknown official code %(code)s.") % {"code": official_code}]})
    return branch, team, official


def stats_for_caller(*, user, query: dict) -> dict:
    """`GET /api/v1/ratings/stats/` for one caller: branch level is public; team and official level follow
    rater protection (see may_read_individual_figures); an official's own figures come per closed period only."""
    period: Period | None = query.get("period")
    branch, team, official = _stats_subjects(user, query["branch"], query["team"], query["official"])
    if official is not None and own_official_id(user) == official.pk:
        return _own_figures(official=official, query=query, period=period)
    if official is not None or team is not None:
        wanted_branch = official.branch_id if official is not None else team.branch_id  # type: ignore[union-attr]
        if not may_read_individual_figures(user, wanted_branch):
            raise PermissionDenied(_("You may not see the figures of this team or official."))
    date_from = period.first_day if period else query.get("date_from")
    date_to = period.last_day if period else query.get("date_to")
    stats_filter = StatsFilter(
        branch_ids=[branch.pk] if branch else None,
        team_id=team.pk if team else None,
        official_id=official.pk if official else None,
        date_from=date_from,
        date_to=date_to,
    )
    individual = official is not None or team is not None
    figures = rating_stats(stats_filter=stats_filter, min_sample=min_sample() if individual else 0)
    if individual:
        figures["min_sample"] = min_sample()
    if period is not None:
        figures["period"] = period.code
    return figures


def _own_figures(*, official: Official, query: dict, period: Period | None) -> dict:
    if query.get("date_from") or query.get("date_to"):
        raise PermissionDenied(
            _("Your own figures are published per closed period only: use period=YYYY-MM, YYYY-Qn or YYYY.")
        )
    if period is None:
        raise ValidationError(
            {"period": [_("Your own figures are published per closed period: add period=YYYY-MM, YYYY-Qn or YYYY.")]}
        )
    if not period.is_closed(timezone.localdate()):
        raise PermissionDenied(_("This period is not over yet: your own figures are published once it has closed."))
    return official_period_figures(official_id=official.pk, period=period)


def stats_scope(user, *, branch_id: int | None = None, date_from=None, date_to=None) -> tuple[StatsFilter, bool]:
    """The statistics a staff user may read, and whether they are an official's own aggregates only.

    Leaders, the inspection desk and the desks read their branches (optionally narrowed to one); an
    official or a branch officer reads only the aggregates of their own work (see official_period_figures).
    """
    allowed = user_branch_ids(user)
    wide = user.is_superuser or sees_everything(user, Branch) or Role.BRANCH_LEADER in user_roles(user)
    if not wide:
        return StatsFilter(official_id=own_official_id(user) or -1, date_from=date_from, date_to=date_to), True
    if branch_id is not None and (allowed is None or branch_id in allowed):
        return StatsFilter(branch_ids=[branch_id], date_from=date_from, date_to=date_to), False
    return StatsFilter(branch_ids=allowed, date_from=date_from, date_to=date_to), False
