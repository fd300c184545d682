"""The rating statistics page's figures (total, weekly trend, by branch, team and official) in two passes: on
PostgreSQL the weekly trend from the daily rollup's rows of its last 13 weeks summed by day, and the total and
every breakdown in one `GROUPING SETS` statement over the monthly rollup's rows of the whole months and the daily
rows of the days left over (all time on the big set: 1,699 monthly rows instead of 44,423 daily ones, the daily
rows read once instead of grouped five ways); elsewhere (SQLite in development and tests) the five selector
calls. Both give the same figures (tests compare them)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections

from customs_feedback.organization.models import Branch, Official, Team
from ratings.rollups import COUNTER_COLUMNS
from ratings.selectors import (
    TREND_WEEKS,
    StatsFilter,
    breakdown_from_rows,
    figures_from_counters,
    rating_stats,
    rating_stats_breakdown,
    rating_stats_weekly,
    rollup_parts,
    rollup_rows,
    trend_window,
)

# Grouping sets by level: which columns group, and how each row's code and name are found.
LEVELS = {
    "branch": ("branch_id",),
    "team": ("branch_id", "team_id"),
    "official": ("branch_id", "official_id"),
}
KEYS = ("branch_id", "team_id", "official_id")


def statistics_figures(
    *, stats_filter: StatsFilter, levels: tuple[str, ...], min_sample: int, trend_weeks: int | None = TREND_WEEKS
) -> dict:
    """`{"total", "weekly", "breakdowns": {level: rows}}` for the statistics page; `levels` are the breakdowns
    the reader may see (branch always; team and official for leaders), scores withheld below `min_sample`
    there; the weekly trend of the period's last `trend_weeks` weeks (None: every week, 0: none)."""
    rows = rollup_rows(stats_filter)
    if connections[rows.db].vendor != "postgresql":
        return figures_one_query_each(
            stats_filter=stats_filter, levels=levels, min_sample=min_sample, trend_weeks=trend_weeks
        )
    total: dict = dict.fromkeys(COUNTER_COLUMNS, 0)
    grouped: dict[str, list[dict]] = {level: [] for level in levels}
    for row in _grouping_sets(rollup_parts(stats_filter), levels):
        if row["team_id"] is not None:
            grouped["team"].append(row)
        elif row["official_id"] is not None:
            grouped["official"].append(row)
        elif row["branch_id"] is not None:
            grouped["branch"].append(row)
        else:
            total = row
    _label(grouped)
    return {
        "total": figures_from_counters(total),
        "weekly": _weekly(stats_filter, trend_weeks),
        "breakdowns": {
            level: breakdown_from_rows(
                sorted(grouped[level], key=lambda row: row["code"]),
                by=level,
                min_sample=min_sample if level != "branch" else 0,
            )
            for level in levels
        },
    }


def figures_one_query_each(
    *, stats_filter: StatsFilter, levels: tuple[str, ...], min_sample: int, trend_weeks: int | None = TREND_WEEKS
) -> dict:
    """The same figures from the selectors, one aggregate query each (SQLite; and the reference in tests)."""
    return {
        "total": rating_stats(stats_filter=stats_filter),
        "weekly": _weekly(stats_filter, trend_weeks),
        "breakdowns": {
            level: rating_stats_breakdown(
                stats_filter=stats_filter, by=level, min_sample=min_sample if level != "branch" else 0
            )
            for level in levels
        },
    }


def _weekly(stats_filter: StatsFilter, trend_weeks: int | None) -> list[dict]:
    """The weekly trend: the daily rows of the last `trend_weeks` weeks only (see selectors.TREND_WEEKS)."""
    if trend_weeks == 0:
        return []
    if trend_weeks is not None:
        stats_filter = trend_window(stats_filter, weeks=trend_weeks)
    return rating_stats_weekly(stats_filter=stats_filter)


def _grouping_sets(parts: list, levels: tuple[str, ...]) -> list[dict]:
    """One statement: the ORM's filtered rollup rows (monthly and daily, UNION ALL) inside, summed by () and each
    level's columns."""
    inner, params = [], []
    for rows in parts:
        try:
            sql, part_params = rows.values(*KEYS, *COUNTER_COLUMNS).order_by().query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (no branch in scope)
            continue
        inner.append(f"({sql})")
        params.extend(part_params)
    if not inner:
        return []
    sets = ["()", *(f"({', '.join(LEVELS[level])})" for level in levels)]
    keys = [key for key in KEYS if any(key in LEVELS[level] for level in levels)]
    sums = ", ".join(f"SUM({column}) AS {column}" for column in COUNTER_COLUMNS)
    # A key column not grouped in a row's set comes back NULL; the rollup's own keys are never NULL.
    sql = f"SELECT {', '.join(keys)}, {sums} FROM ({' UNION ALL '.join(inner)}) AS rollup GROUP BY GROUPING SETS ({', '.join(sets)})"  # noqa: S608, E501 - fixed names
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [{**dict.fromkeys(KEYS), **dict(zip(names, values, strict=True))} for values in cursor.fetchall()]


def _label(grouped: dict[str, list[dict]]) -> None:
    """Each breakdown row's code and name, as rating_stats_breakdown reads them (one query per level)."""
    sources = {
        "branch": ("branch_id", Branch, "name_vi"),
        "team": ("team_id", Team, "name_vi"),
        "official": ("official_id", Official, "full_name"),
    }
    for level, rows in grouped.items():
        key, model, name = sources[level]
        found = model._default_manager.filter(pk__in=[row[key] for row in rows]).values_list("pk", "code", name)
        labels = {pk: (code, label) for pk, code, label in found}
        for row in rows:
            row["code"], row["name"] = labels[row[key]]
