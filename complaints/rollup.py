"""The monthly inquiry rollup (`InquiryRollup`): what each inquiry adds to it, the deltas of a change, the rebuild.

A service that changes what an inquiry counts as takes `rollup_snapshot(inquiry)` after locking it and calls
`rollup_record(before, inquiry)` after the change, in the same transaction. The delta is an upsert that adds to
the stored counters (`customs_feedback.counters`), so concurrent writers never lose each other's counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from complaints.models import ANSWER_BUCKETS, ANSWER_HOURS, Inquiry, InquiryRollup, InquiryStatus
from customs_feedback.counters import CounterTable

COUNTERS = ("received", "set_aside", "answered", "on_time", *ANSWER_BUCKETS)
SET_ASIDE = (InquiryStatus.DUPLICATE, InquiryStatus.OUT_OF_SCOPE)
Key = tuple[date, int, int | None]  # month (first day), category_id, branch_id
Contribution = tuple[Key, dict[str, int]] | None
_ROLLUP = CounterTable(
    InquiryRollup._meta.db_table,
    keys=("month", "category_id", "branch_id"),
    counters=COUNTERS,
    conflict="month, category_id, COALESCE(branch_id, 0)",
)


def rollup_snapshot(inquiry: Inquiry | None) -> Contribution:
    """The key and counters one inquiry adds to the rollup as it stands (None for no inquiry)."""
    if inquiry is None:
        return None
    key = (timezone.localdate(inquiry.submitted_at).replace(day=1), inquiry.category_id, inquiry.branch_id)
    if inquiry.status in SET_ASIDE:
        return key, {"set_aside": 1}
    counters = {"received": 1}
    if inquiry.first_answered_at is not None:
        counters["answered"] = 1
        counters[answer_bucket(inquiry.first_answered_at - inquiry.submitted_at)] = 1
        # On time: the first answer came on or before the due date, both as local (Vietnam) days.
        if timezone.localdate(inquiry.first_answered_at) <= inquiry.due_date:
            counters["on_time"] = 1
    return key, counters


def answer_bucket(to_answer: timedelta) -> str:
    """The histogram counter a time to first answer falls in (`answered_<h>h`, see ANSWER_HOURS)."""
    name = ANSWER_BUCKETS[0]
    for hours, bucket in zip(ANSWER_HOURS, ANSWER_BUCKETS, strict=True):
        if to_answer >= timedelta(hours=hours):
            name = bucket
    return name


def rollup_record(before: Contribution, inquiry: Inquiry) -> None:
    """Move the inquiry's counts from what it added `before` to what it adds now (call inside the change's
    transaction, with the inquiry locked or just created)."""
    deltas: defaultdict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for contribution, sign in ((before, -1), (rollup_snapshot(inquiry), 1)):
        if contribution is not None:
            key, counters = contribution
            for name, value in counters.items():
                deltas[key][name] += sign * value
    _rollup_add({key: counters for key, counters in deltas.items() if any(counters.values())})


def _rollup_add(deltas: dict[Key, dict[str, int]]) -> None:
    # In key order (no branch first), the order every writer locks the rows in.
    _ROLLUP.add(sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0)))


def counter_aggregates() -> dict[str, Count]:
    """Each counter as an aggregate over inquiries: the rollup's definition, in SQL."""
    counted = ~Q(status__in=SET_ASIDE)
    answered = counted & Q(first_answered_at__isnull=False)
    aggregates = {
        "received": Count("pk", filter=counted),
        "set_aside": Count("pk", filter=~counted),
        "answered": Count("pk", filter=answered),
        # On time: the first answer came on or before the due date, both as local (Vietnam) days.
        "on_time": Count("pk", filter=counted & Q(first_answered_at__date__lte=F("due_date"))),
    }
    # The histogram: from each edge (the first bucket open below) to the next (the last open above).
    edges = [None, *(F("submitted_at") + timedelta(hours=hours) for hours in ANSWER_HOURS[1:]), None]
    for index, name in enumerate(ANSWER_BUCKETS):
        bucket = answered
        if edges[index] is not None:
            bucket &= Q(first_answered_at__gte=edges[index])
        if edges[index + 1] is not None:
            bucket &= Q(first_answered_at__lt=edges[index + 1])
        aggregates[name] = Count("pk", filter=bucket)
    return aggregates


def raw_counters(inquiries=None) -> dict[Key, dict[str, int]]:
    """The rollup's counters recomputed from the inquiries themselves, one aggregate query (rebuild and checks).

    `inquiries` defaults to the live model; a data migration passes its historical one.
    """
    queryset = (inquiries or Inquiry)._default_manager.all()
    rows: Any = (
        queryset.annotate(month=TruncMonth("submitted_at"))
        .values("month", "category_id", "branch_id")
        .annotate(**counter_aggregates())
        .order_by()
    )
    return {
        (_as_date(row["month"]), row["category_id"], row["branch_id"]): {name: row[name] for name in COUNTERS}
        for row in rows
    }


def _as_date(value) -> date:
    return timezone.localtime(value).date() if hasattr(value, "tzinfo") and hasattr(value, "hour") else value


@transaction.atomic
def inquiry_rollup_rebuild(inquiries=None, rollup=None) -> int:
    """Recompute the whole rollup from the inquiries; returns the number of rows written.

    Writers wait while it runs (the table is locked on PostgreSQL), so no delta is counted twice or lost.
    """
    rollup = rollup or InquiryRollup
    stored = {field.name for field in rollup._meta.get_fields()}  # an older migration's model has fewer counters
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {rollup._meta.db_table} IN EXCLUSIVE MODE")
    rollup._default_manager.all().delete()
    rows = [
        rollup(
            month=month,
            category_id=category_id,
            branch_id=branch_id,
            **{name: value for name, value in counters.items() if name in stored},
        )
        for (month, category_id, branch_id), counters in raw_counters(inquiries).items()
    ]
    rollup._default_manager.bulk_create(rows, batch_size=1000)
    return len(rows)


def rollup_counters() -> dict[Key, dict[str, int]]:
    """The stored counters, keys with nothing counted left out (to compare with `raw_counters`)."""
    rows: Iterable[dict[str, Any]] = InquiryRollup.objects.values("month", "category_id", "branch_id", *COUNTERS)
    return {
        (row["month"], row["category_id"], row["branch_id"]): {name: row[name] for name in COUNTERS}
        for row in rows
        if any(row[name] for name in COUNTERS)
    }
