"""Inquiry figures (dashboard, statistics page, results report): counters from the monthly rollup, never a scan.

Received, answered and on-time counts of whole months are sums over `InquiryRollup` (a few rows per month);
only the days of a period that do not fill a month (a date range chosen on the statistics page) are counted
from the inquiries themselves, through the submission-time index. A branch officer's figures are their own
assignments, which a per-branch rollup cannot tell apart, so theirs are counted from the inquiries. The median
time to answer needs every answer time and is computed in SQL over the period's answered inquiries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import DurationField, ExpressionWrapper, F, QuerySet, Sum
from django.utils import timezone

from complaints.models import Inquiry, InquiryCategory, InquiryRollup
from complaints.rollup import COUNTERS, SET_ASIDE, counter_aggregates
from customs_feedback.aggregates import Median
from customs_feedback.organization.models import Branch
from customs_feedback.organization.roles import Role, user_roles
from customs_feedback.organization.scoping import for_user, sees_everything

Group = tuple[int, int | None]  # category_id, branch_id
Counters = dict[str, int]


def local_midnight(day: date) -> datetime:
    """The start of a local day as an aware datetime: compares against the indexed column as it is."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_period(date_from: date | None, date_to: date | None) -> tuple[tuple[date | None, date | None] | None, list]:
    """The whole months of [date_from, date_to] as a [first, after) range of month starts (None: none at all),
    and the leftover day ranges (inclusive), which are counted from the inquiries."""
    first = None if date_from is None else (date_from if date_from.day == 1 else _next_month(date_from))
    after = None if date_to is None else (_next_month(date_to) if (date_to + timedelta(days=1)).day == 1 else None)
    if date_to is not None and after is None:
        after = date_to.replace(day=1)
    if first is not None and after is not None and first >= after:
        return None, [(date_from, date_to)]
    edges = []
    if date_from is not None and first != date_from:
        edges.append((date_from, _next_month(date_from) - timedelta(days=1)))
    if date_to is not None and after is not None and after <= date_to:
        edges.append((after, date_to))
    return (first, after), edges


def assigned_work_only(user) -> bool:
    """A branch officer who is not also a branch leader or on a desk that sees every inquiry."""
    roles = user_roles(user)
    return Role.BRANCH_OFFICER in roles and Role.BRANCH_LEADER not in roles and not sees_everything(user, Inquiry)


def _raw_counters(inquiries: QuerySet[Inquiry]) -> QuerySet:
    return inquiries.values("category_id", "branch_id").annotate(**counter_aggregates()).order_by()


def submitted_between(inquiries: QuerySet[Inquiry], first: date | None, last: date | None) -> QuerySet[Inquiry]:
    """Inquiries submitted from local day `first` through `last` (either open), as index ranges."""
    if first is not None:
        inquiries = inquiries.filter(submitted_at__gte=local_midnight(first))
    if last is not None:
        inquiries = inquiries.filter(submitted_at__lt=local_midnight(last + timedelta(days=1)))
    return inquiries


def group_counters(
    *, rollup: QuerySet[InquiryRollup], inquiries: QuerySet[Inquiry], date_from=None, date_to=None, raw=False
) -> dict[Group, Counters]:
    """The counters per (category, branch) of the period: whole months from `rollup`, the rest (or all, with
    `raw`) from `inquiries`; both querysets already in the reader's scope."""
    totals: defaultdict[Group, Counters] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    months, edges = (None, [(date_from, date_to)]) if raw else split_period(date_from, date_to)
    parts: list[Iterable[Any]] = [_raw_counters(submitted_between(inquiries, *edge)) for edge in edges]
    if months is not None:
        first, after = months
        if first is not None:
            rollup = rollup.filter(month__gte=first)
        if after is not None:
            rollup = rollup.filter(month__lt=after)
        parts.append(
            rollup.values("category_id", "branch_id").annotate(**{name: Sum(name) for name in COUNTERS}).order_by()
        )
    for rows in parts:
        for row in rows:
            group = totals[(row["category_id"], row["branch_id"])]
            for name in COUNTERS:
                group[name] += row[name] or 0
    return dict(totals)


def _scoped_counters(user, date_from: date | None, date_to: date | None) -> dict[Group, Counters]:
    return group_counters(
        rollup=for_user(user, InquiryRollup.objects.all()),
        inquiries=for_user(user, Inquiry.objects.all()),
        date_from=date_from,
        date_to=date_to,
        raw=assigned_work_only(user),
    )


def _sum(groups: Iterable[Counters]) -> Counters:
    total = dict.fromkeys(COUNTERS, 0)
    for counters in groups:
        for name in COUNTERS:
            total[name] += counters[name]
    return total


def _by(groups: dict[Group, Counters], index: int) -> dict:
    collected: defaultdict = defaultdict(list)
    for group, counters in groups.items():
        if counters["received"]:
            collected[group[index]].append(counters)
    return {key: _sum(rows) for key, rows in collected.items()}


def _figures(counters: Counters, median: timedelta | None) -> dict:
    return {
        "received": counters["received"],
        "answered": counters["answered"],
        "on_time_share": round(counters["on_time"] / counters["answered"], 4) if counters["answered"] else None,
        "median_hours_to_answer": round(median.total_seconds() / 3600, 1) if median is not None else None,
    }


def inquiry_stats(*, user, date_from: date | None = None, date_to: date | None = None, medians: bool = True) -> dict:
    """Received, answered, on-time share and median time to answer, overall, by category and by branch.

    Counted over inquiries submitted in the period and visible to the user; on time means the first answer
    came on or before the due date. Without `medians` (the dashboard, which shows none) the inquiries are not
    read at all for whole months.
    """
    groups = _scoped_counters(user, date_from, date_to)
    by_category, by_branch = _by(groups, 0), _by(groups, 1)
    overall_median, category_medians, branch_medians = (
        _medians(submitted_between(for_user(user, Inquiry.objects.all()), date_from, date_to))
        if medians
        else (None, {}, {})
    )
    categories = InquiryCategory.objects.in_bulk(list(by_category))
    branches = Branch.objects.in_bulk([pk for pk in by_branch if pk])
    return {
        **_figures(_sum(by_category.values()), overall_median),
        "by_category": [
            {"code": category.code, "name": category.name, **_figures(by_category[pk], category_medians.get(pk))}
            for pk, category in sorted(categories.items(), key=lambda item: (item[1].order, item[0]))
        ],
        "by_branch": sorted(
            (
                {
                    "code": branch.code if branch else "",
                    "name": str(branch) if branch else "",
                    **_figures(counters, branch_medians.get(pk)),
                }
                for pk, counters in by_branch.items()
                for branch in [branches.get(pk)]
            ),
            key=lambda row: row["code"],
        ),
    }


def monthly_received(user, *, months: int = 12) -> list[tuple[str, float]]:
    """Inquiries received (duplicates and out-of-scope ones apart) per month, for the dashboard's chart."""
    from customs_feedback.core.dashboard import monthly_counts

    if assigned_work_only(user):
        inquiries = for_user(user, Inquiry.objects.exclude(status__in=SET_ASIDE))
        return monthly_counts(inquiries, "submitted_at", months=months)
    return monthly_counts(for_user(user, InquiryRollup.objects.all()), "month", months=months, total=Sum("received"))


# The median's three groupings in one scan of the period's answered inquiries: the inner query is the ORM's
# (scoping, period), the outer one aggregates it by (), (category) and (branch) at once.
_MEDIANS_SQL = """
    SELECT GROUPING(category_id) AS category_aggregated, GROUPING(branch_id) AS branch_aggregated,
           category_id, branch_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY to_answer) AS median
      FROM ({inner}) AS inquiry
     GROUP BY GROUPING SETS ((), (category_id), (branch_id))
"""


def _medians(inquiries: QuerySet[Inquiry]) -> tuple[timedelta | None, dict, dict]:
    """The median time to first answer overall, per category and per branch (counted, answered inquiries)."""
    answered = (
        inquiries.exclude(status__in=SET_ASIDE)
        .filter(first_answered_at__isnull=False)
        .annotate(to_answer=ExpressionWrapper(F("first_answered_at") - F("submitted_at"), output_field=DurationField()))
        .order_by()
    )
    if connections[answered.db].vendor != "postgresql":
        median = Median("to_answer", output_field=DurationField())
        return (
            answered.aggregate(median=median)["median"],
            {row["category_id"]: row["median"] for row in answered.values("category_id").annotate(median=median)},
            {row["branch_id"]: row["median"] for row in answered.values("branch_id").annotate(median=median)},
        )
    try:
        inner_sql, params = answered.values("category_id", "branch_id", "to_answer").query.sql_with_params()
    except EmptyResultSet:  # nothing in the reader's scope
        return None, {}, {}
    overall, by_category, by_branch = None, {}, {}
    with connections[answered.db].cursor() as cursor:
        cursor.execute(_MEDIANS_SQL.format(inner=inner_sql), params)
        for category_aggregated, branch_aggregated, category_id, branch_id, median in cursor.fetchall():
            if category_aggregated and branch_aggregated:
                overall = median
            elif branch_aggregated:
                by_category[category_id] = median
            else:
                by_branch[branch_id] = median
    return overall, by_category, by_branch
