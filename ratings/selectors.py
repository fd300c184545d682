"""Reads: statistics from the daily rollup, never by scanning the ratings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Sum

from ratings.models import SCORE_COLUMNS, DailyRollup
from ratings.rollups import COUNTER_COLUMNS, TARGETS


@dataclass(frozen=True)
class StatsFilter:
    branch_ids: list[int] | None = None  # None: every branch
    team_id: int | None = None
    official_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _rollup_rows(stats_filter: StatsFilter):
    rows = DailyRollup.objects.all()
    if stats_filter.branch_ids is not None:
        rows = rows.filter(branch_id__in=stats_filter.branch_ids)
    if stats_filter.team_id is not None:
        rows = rows.filter(team_id=stats_filter.team_id)
    if stats_filter.official_id is not None:
        rows = rows.filter(official_id=stats_filter.official_id)
    if stats_filter.date_from is not None:
        rows = rows.filter(day__gte=stats_filter.date_from)
    if stats_filter.date_to is not None:
        rows = rows.filter(day__lte=stats_filter.date_to)
    return rows


_SUMS = {column: Sum(column) for column in COUNTER_COLUMNS}


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
    return figures_from_counters(_rollup_rows(stats_filter).aggregate(**_SUMS), min_sample=min_sample)


def rating_stats_breakdown(*, stats_filter: StatsFilter, by: str, min_sample: int = 0) -> list[dict]:
    """The figures per branch, team or official, with their names."""
    group = {"branch": "branch_id", "team": "team_id", "official": "official_id"}[by]
    labels = {
        "branch": (F("branch__code"), F("branch__name_vi")),
        "team": (F("team__code"), F("team__name_vi")),
        "official": (F("official__code"), F("official__full_name")),
    }[by]
    rows = _rollup_rows(stats_filter).values(group).annotate(code=labels[0], name=labels[1], **_SUMS).order_by("code")
    sample = min_sample if by == "official" else 0
    return [{"code": row["code"], "name": row["name"], **figures_from_counters(row, min_sample=sample)} for row in rows]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rating_stats_weekly(*, stats_filter: StatsFilter, min_sample: int = 0) -> list[dict]:
    """The weekly trend: one entry per ISO week (starting Monday) that has figures."""
    weeks: defaultdict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTER_COLUMNS, 0))
    for row in _rollup_rows(stats_filter).values("day").annotate(**_SUMS).order_by("day"):
        bucket = weeks[week_start(row["day"])]
        for column in COUNTER_COLUMNS:
            bucket[column] += row[column] or 0
    return [{"week": start, **figures_from_counters(weeks[start], min_sample=min_sample)} for start in sorted(weeks)]


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


def stats_scope(user, *, branch_id: int | None = None, date_from=None, date_to=None) -> tuple[StatsFilter, bool]:
    """The statistics a staff user may read, and whether they are an official's own aggregates only.

    Branch staff and leadership read their branches (optionally narrowed to one); a customs official with
    no branch role reads the aggregates of their own work, from the minimum sample up, and nothing else.
    """
    from customs_feedback.organization.roles import Role, user_roles
    from customs_feedback.organization.scoping import staff_official, user_branch_ids

    allowed = user_branch_ids(user)
    own_only = not user.is_superuser and allowed is not None and not allowed and Role.OFFICIAL in user_roles(user)
    if own_only:
        official = staff_official(user)
        return StatsFilter(official_id=official.pk if official else -1, date_from=date_from, date_to=date_to), True
    if branch_id is not None and (allowed is None or branch_id in allowed):
        return StatsFilter(branch_ids=[branch_id], date_from=date_from, date_to=date_to), False
    return StatsFilter(branch_ids=allowed, date_from=date_from, date_to=date_to), False
