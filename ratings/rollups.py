"""The daily rollup behind every statistic: additive deltas from the write path, rebuilt from raw rows by a job.

A delta is an upsert that adds to the stored counters (`customs_feedback.counters`), so concurrent writers never
lose each other's counts.

The monthly rollup (`MonthlyRollup`, the same counters by calendar month) gets the same deltas in the same
transaction, after the daily rows (every writer locks daily rows first, then monthly ones, so none deadlocks);
the rebuild recounts the months it touches from the daily rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet

from customs_feedback.counters import CounterTable
from ratings.models import (
    LOW_SCORE,
    REJECTED_COLUMNS,
    SCORE_COLUMNS,
    DailyRollup,
    Declaration,
    MonthlyRollup,
    Rating,
    RatingStatus,
)

RollupKey = tuple[date, int, int, int]  # day, branch_id, team_id, official_id
COUNTER_COLUMNS = ["declarations", "ratings", *SCORE_COLUMNS, "low", *REJECTED_COLUMNS]
TARGETS = ("official", "team", "branch")
# A low rating: any of its scores is LOW_SCORE or less (what opens a follow-up case); `Rating.is_low` in Python.
LOW = Q(official_score__lte=LOW_SCORE) | Q(team_score__lte=LOW_SCORE) | Q(branch_score__lte=LOW_SCORE)
LOW_SQL = f"(official_score <= {LOW_SCORE} OR team_score <= {LOW_SCORE} OR branch_score <= {LOW_SCORE})"


def empty_deltas() -> defaultdict[RollupKey, defaultdict[str, int]]:
    return defaultdict(lambda: defaultdict(int))


# What one rating that is not rejected counts, as SQL conditions on its row (`rating_counters` in Python): the
# rebuild sums them over the ratings, the rating's own statement adds them for its inserted row.
RATING_COUNTED_WHEN = {
    "ratings": "TRUE",
    **{f"{target}_{score}": f"{target}_score = {score}" for target in TARGETS for score in range(1, 6)},
    "low": LOW_SQL,
}


def rating_counter_sql() -> str:
    """The COUNTER_COLUMNS, in order, of one (not rejected) rating row as SQL expressions over its columns."""
    return ", ".join(
        f"CASE WHEN {RATING_COUNTED_WHEN[column]} THEN 1 ELSE 0 END" if column in RATING_COUNTED_WHEN else "0"
        for column in COUNTER_COLUMNS
    )


def rating_counters(rating: Rating, sign: int = 1) -> dict[str, int]:
    """The counters one (not rejected) rating contributes."""
    counters = {"ratings": sign}
    for target, score in zip(TARGETS, rating.scores(), strict=True):
        if score is not None:
            counters[f"{target}_{score}"] = sign
    if rating.is_low:
        counters["low"] = sign
    return counters


def rejected_counters(reason: str, sign: int = 1) -> dict[str, int]:
    """The counter a rating rejected for `reason` contributes (instead of `rating_counters`)."""
    return {f"rejected_{reason}": sign}


def _order(item: tuple[RollupKey, dict]) -> tuple:
    day, branch_id, team_id, official_id = item[0]
    return (branch_id, day, team_id, official_id)


def month_of(day: date) -> date:
    """The key of `day` in the monthly rollup: its month's first day."""
    return day.replace(day=1)


def _rollup_table(model: type[DailyRollup] | type[MonthlyRollup], period: str) -> CounterTable:
    return CounterTable(
        model._meta.db_table,
        keys=(period, "branch_id", "team_id", "official_id"),
        counters=tuple(COUNTER_COLUMNS),
        conflict=f"branch_id, {period}, team_id, official_id",
    )


DAILY, MONTHLY = _rollup_table(DailyRollup, "day"), _rollup_table(MonthlyRollup, "month")  # month: its first day


def rollup_upsert_sql(rows: str, *, monthly: bool = False) -> str:
    """The statement adding `rows` (a VALUES list or a SELECT: day or month, branch, team, official, then
    COUNTER_COLUMNS) to the daily rollup, or, `monthly`, to the monthly one."""
    return (MONTHLY if monthly else DAILY).upsert_sql(rows)


def rollup_add(deltas: Mapping[RollupKey, Mapping[str, int]]) -> None:
    """Add the deltas to the daily rollup and, summed by month, to the monthly one; one statement per 500 keys."""
    monthly: defaultdict[RollupKey, defaultdict[str, int]] = empty_deltas()
    for (day, *rest), counters in deltas.items():
        month = monthly[(month_of(day), *rest)]
        for column, value in counters.items():
            month[column] += value
    # In key order, so concurrent writers lock the same rows in the same order and never deadlock.
    DAILY.add(sorted(deltas.items(), key=_order))
    MONTHLY.add(sorted(monthly.items(), key=_order))


def raw_counters(*, date_from: date, date_to: date) -> dict[RollupKey, dict[str, int]]:
    """The counters recomputed from the declarations and ratings themselves (for the rebuild and checks)."""
    counters: defaultdict[RollupKey, dict[str, int]] = empty_deltas()
    declarations = (
        Declaration.objects.filter(branch_id__in=_branch_ids(), cleared_on__range=(date_from, date_to))
        .values_list("cleared_on", "branch_id", "team_id", "official_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for day, branch_id, team_id, official_id, count in declarations:
        counters[(day, branch_id, team_id, official_id)]["declarations"] = count
    score_counts = {
        f"{target}_{score}": Count("pk", filter=Q(**{f"{target}_score": score}))
        for target in TARGETS
        for score in range(1, 6)
    }
    ratings = (
        Rating.objects.filter(branch_id__in=_branch_ids(), submitted_on__range=(date_from, date_to))
        .exclude(status=RatingStatus.REJECTED)
        .values("submitted_on", "branch_id", "team_id", "official_id")
        .annotate(ratings=Count("pk"), **score_counts, low=Count("pk", filter=LOW))
        .order_by()
    )
    for row in ratings:
        key = (row.pop("submitted_on"), row.pop("branch_id"), row.pop("team_id"), row.pop("official_id"))
        counters[key].update(row)
    rejected = (
        Rating.objects.filter(
            branch_id__in=_branch_ids(), submitted_on__range=(date_from, date_to), status=RatingStatus.REJECTED
        )
        .values_list("submitted_on", "branch_id", "team_id", "official_id", "rejection_reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for day, branch_id, team_id, official_id, reason, count in rejected:
        counters[(day, branch_id, team_id, official_id)][f"rejected_{reason}"] = count
    return counters


def _branch_ids() -> list[int]:
    from customs_feedback.organization.models import Branch

    return list(Branch.objects.values_list("pk", flat=True))


@transaction.atomic
def rollup_rebuild(*, date_from: date, date_to: date) -> int:
    """Recompute the rollup rows of a date range from the raw rows in one INSERT … SELECT; returns the row count.

    The raw rows are read through their (branch, day) indexes, one index range per branch.
    """
    table = DailyRollup._meta.db_table
    if connection.vendor == "postgresql":
        # Writers wait while the range is rebuilt, so no delta is counted twice or lost (daily, then monthly: the
        # order every writer takes them in).
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table}, {MonthlyRollup._meta.db_table} IN EXCLUSIVE MODE")
    DailyRollup.objects.filter(day__range=(date_from, date_to)).delete()
    branches = _branch_ids()
    if not branches:
        months_recount(date_from=date_from, date_to=date_to)
        return 0
    in_branches = "branch_id IN (" + ", ".join(["%s"] * len(branches)) + ")"
    zero_scores = ", ".join(f"0 AS {column}" for column in [*SCORE_COLUMNS, "low", *REJECTED_COLUMNS])
    counted = "status <> %s"
    rating_counts = ", ".join(
        f"SUM(CASE WHEN {counted} AND {RATING_COUNTED_WHEN[column]} THEN 1 ELSE 0 END) AS {column}"
        for column in ["ratings", *SCORE_COLUMNS, "low"]
    )
    rejected_counts = ", ".join(
        "SUM(CASE WHEN status = %s AND rejection_reason = %s THEN 1 ELSE 0 END)" for _column in REJECTED_COLUMNS
    )
    sums = ", ".join(f"SUM({column})" for column in COUNTER_COLUMNS)
    sql = (
        f"INSERT INTO {table} (day, branch_id, team_id, official_id, {', '.join(COUNTER_COLUMNS)}) "  # noqa: S608
        f"SELECT day, branch_id, team_id, official_id, {sums} FROM ("
        f"SELECT cleared_on AS day, branch_id, team_id, official_id, COUNT(*) AS declarations, 0 AS ratings, "
        f"{zero_scores} FROM {Declaration._meta.db_table} "
        f"WHERE {in_branches} AND cleared_on BETWEEN %s AND %s GROUP BY cleared_on, branch_id, team_id, official_id "
        f"UNION ALL "
        f"SELECT submitted_on, branch_id, team_id, official_id, 0, {rating_counts}, {rejected_counts} "
        f"FROM {Rating._meta.db_table} WHERE {in_branches} AND submitted_on BETWEEN %s AND %s "
        f"GROUP BY submitted_on, branch_id, team_id, official_id"
        f") counted GROUP BY day, branch_id, team_id, official_id"
    )
    rejected = RatingStatus.REJECTED
    params = [
        *branches, date_from, date_to,
        rejected, *[rejected] * len(SCORE_COLUMNS), rejected,
        *[value for column in REJECTED_COLUMNS for value in (rejected, column.removeprefix("rejected_"))],
        *branches, date_from, date_to,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rebuilt = cursor.rowcount
    months_recount(date_from=date_from, date_to=date_to)
    return rebuilt


def months_recount(*, date_from: date, date_to: date) -> int:
    """Recount the monthly rollup rows of every month from `date_from`'s to `date_to`'s from the daily rows (in
    the caller's transaction, after the daily rows are right); returns the row count."""
    first_day = month_of(date_from)
    last_day = _month_after(date_to) - timedelta(days=1)
    MonthlyRollup.objects.filter(month__range=(first_day, last_day)).delete()
    month = "date_trunc('month', day)::date" if connection.vendor == "postgresql" else "date(day, 'start of month')"
    sums = ", ".join(f"SUM({column})" for column in COUNTER_COLUMNS)
    sql = (
        f"INSERT INTO {MonthlyRollup._meta.db_table} (month, branch_id, team_id, official_id, "  # noqa: S608
        f"{', '.join(COUNTER_COLUMNS)}) "
        f"SELECT {month}, branch_id, team_id, official_id, {sums} FROM {DailyRollup._meta.db_table} "
        f"WHERE day BETWEEN %s AND %s GROUP BY {month}, branch_id, team_id, official_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_day, last_day])
        return cursor.rowcount


def period_rollups(*, first_day: date | None, last_day: date | None) -> list[QuerySet]:
    """The rollup rows that sum to the days from `first_day` to `last_day` (None: no bound): the monthly rows of
    the whole months in it and the daily rows of the days left over at either end (none for a month, quarter or
    year, or without bounds)."""
    first_whole = first_day if first_day is None or first_day.day == 1 else _month_after(first_day)
    after_last_whole = None if last_day is None else last_day + timedelta(days=1)
    if after_last_whole is not None and after_last_whole.day != 1:
        after_last_whole = month_of(last_day)
    if first_whole is not None and after_last_whole is not None and first_whole >= after_last_whole:
        return [DailyRollup.objects.filter(day__range=(first_day, last_day))]  # no whole month inside
    months = MonthlyRollup.objects.all()
    if first_whole is not None:
        months = months.filter(month__gte=first_whole)
    if after_last_whole is not None:
        months = months.filter(month__lt=after_last_whole)
    parts = [months]
    if first_day is not None and first_day < first_whole:
        parts.append(DailyRollup.objects.filter(day__gte=first_day, day__lt=first_whole))
    if last_day is not None and after_last_whole <= last_day:
        parts.append(DailyRollup.objects.filter(day__gte=after_last_whole, day__lte=last_day))
    return parts


def _month_after(day: date) -> date:
    return month_of(month_of(day) + timedelta(days=31))


def monthly_recount() -> dict[RollupKey, dict[str, int]]:
    """The monthly rollup as the daily rows sum up by month, keyed as the monthly rows are (for checks)."""
    counters: defaultdict[RollupKey, defaultdict[str, int]] = empty_deltas()
    for row in DailyRollup.objects.values("day", "branch_id", "team_id", "official_id", *COUNTER_COLUMNS):
        month = counters[(month_of(row["day"]), row["branch_id"], row["team_id"], row["official_id"])]
        for column in COUNTER_COLUMNS:
            month[column] += row[column]
    return {key: dict(counters) for key, counters in counters.items()}
