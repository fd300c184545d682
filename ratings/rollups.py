"""The daily rollup behind every statistic: additive deltas from the write path, rebuilt from raw rows by a job.

A delta is an upsert that adds to the stored counters (`INSERT … ON CONFLICT … DO UPDATE SET c = c + excluded.c`),
so concurrent writers never lose each other's counts; the same SQL runs on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q

from ratings.models import SCORE_COLUMNS, DailyRollup, Declaration, Rating, RatingStatus

RollupKey = tuple[date, int, int, int]  # day, branch_id, team_id, official_id
COUNTER_COLUMNS = ["declarations", "ratings", *SCORE_COLUMNS]
TARGETS = ("official", "team", "branch")


def empty_deltas() -> defaultdict[RollupKey, defaultdict[str, int]]:
    return defaultdict(lambda: defaultdict(int))


def rating_counters(rating: Rating, sign: int = 1) -> dict[str, int]:
    """The counters one (not rejected) rating contributes."""
    counters = {"ratings": sign}
    for target, score in zip(TARGETS, rating.scores(), strict=True):
        if score is not None:
            counters[f"{target}_{score}"] = sign
    return counters


def _order(item: tuple[RollupKey, dict]) -> tuple:
    day, branch_id, team_id, official_id = item[0]
    return (branch_id, day, team_id, official_id)


def rollup_add(deltas: dict[RollupKey, dict[str, int]]) -> None:
    """Add the deltas to the rollup, one statement per 500 keys."""
    table = DailyRollup._meta.db_table
    columns = ["day", "branch_id", "team_id", "official_id", *COUNTER_COLUMNS]
    updates = ", ".join(f"{column} = {table}.{column} + excluded.{column}" for column in COUNTER_COLUMNS)
    # In key order, so concurrent writers lock the same rows in the same order and never deadlock.
    items = sorted(((key, counters) for key, counters in deltas.items() if any(counters.values())), key=_order)
    row_placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            params: list = []
            for (day, branch_id, team_id, official_id), counters in chunk:
                params.extend([day, branch_id, team_id, official_id])
                params.extend(counters.get(column, 0) for column in COUNTER_COLUMNS)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_placeholder] * len(chunk))} "  # noqa: S608 - fixed names
                f"ON CONFLICT (branch_id, day, team_id, official_id) DO UPDATE SET {updates}",
                params,
            )


def raw_counters(*, date_from: date, date_to: date) -> dict[RollupKey, dict[str, int]]:
    """The counters recomputed from the declarations and ratings themselves (for the rebuild and checks)."""
    counters: defaultdict[RollupKey, dict[str, int]] = empty_deltas()
    declarations = (
        Declaration.objects.filter(cleared_on__range=(date_from, date_to))
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
        Rating.objects.filter(submitted_on__range=(date_from, date_to))
        .exclude(status=RatingStatus.REJECTED)
        .values("submitted_on", "branch_id", "team_id", "official_id")
        .annotate(ratings=Count("pk"), **score_counts)
        .order_by()
    )
    for row in ratings:
        key = (row.pop("submitted_on"), row.pop("branch_id"), row.pop("team_id"), row.pop("official_id"))
        counters[key].update(row)
    return counters


@transaction.atomic
def rollup_rebuild(*, date_from: date, date_to: date) -> int:
    """Recompute the rollup rows of a date range from the raw rows; returns how many keys it wrote."""
    if connection.vendor == "postgresql":
        # Writers wait while the range is rebuilt, so no delta is counted twice or lost.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {DailyRollup._meta.db_table} IN EXCLUSIVE MODE")
    DailyRollup.objects.filter(day__range=(date_from, date_to)).delete()
    counters = raw_counters(date_from=date_from, date_to=date_to)
    rollup_add(counters)
    return len(counters)
