"""Inquiry figures (dashboard, statistics page, results report): counters from the monthly rollup, never a scan.

Received, answered and on-time counts of whole months are sums over `InquiryRollup` (a few rows per month);
only the days of a period that do not fill a month (a date range chosen on the statistics page) are counted
from the inquiries themselves, through the submission-time index. A branch officer's figures are their own
assignments, which a per-branch rollup cannot tell apart, so theirs are counted from the inquiries. The median
time to answer is approximate: it is read from the histogram of answer times kept with the counters (the
`answered_<h>h` buckets), as the range of hours of the bucket it lies in, so an exact median needs no sort of
every answer time of the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.db.models import QuerySet, Sum
from django.utils import timezone

from complaints.models import ANSWER_BUCKETS, ANSWER_HOURS, Inquiry, InquiryCategory, InquiryRollup
from complaints.rollup import COUNTERS, SET_ASIDE, counter_aggregates
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


class HoursRange(NamedTuple):
    """Where a median time to answer lies: from `low` hours up to (not including) `high`; `high` None: or more."""

    low: int
    high: int | None

    def __str__(self) -> str:
        return f"{self.low}–{self.high}" if self.high is not None else f"≥ {self.low}"

    def __contains__(self, hours: object) -> bool:
        value = float(hours)  # type: ignore[arg-type] # any real number of hours (int, float, Decimal)
        return self.low <= value and (self.high is None or value < self.high)


def median_range(counters: Counters) -> HoursRange | None:
    """The bucket range the median time to answer lies in, from the histogram counters (None: none answered).

    With an even count the median is the mean of the two middle answer times, which may lie in two buckets:
    the range then runs from the lower one's start to the upper one's end.
    """
    counts = [counters[name] for name in ANSWER_BUCKETS]
    total = sum(counts)
    if not total:
        return None
    lower, upper = _bucket_of_rank(counts, (total + 1) // 2), _bucket_of_rank(counts, total // 2 + 1)
    return HoursRange(ANSWER_HOURS[lower], ANSWER_HOURS[upper + 1] if upper + 1 < len(ANSWER_HOURS) else None)


def _bucket_of_rank(counts: list[int], rank: int) -> int:
    """The index of the bucket holding the `rank`-th answer time (1-based) in ascending order."""
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            return index
    return len(counts) - 1


def _figures(counters: Counters) -> dict:
    return {
        "received": counters["received"],
        "answered": counters["answered"],
        "on_time_share": round(counters["on_time"] / counters["answered"], 4) if counters["answered"] else None,
        "median_hours_to_answer": median_range(counters),
    }


def inquiry_stats(*, user, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Received, answered, on-time share and median time to answer, overall, by category and by branch.

    Counted over inquiries submitted in the period and visible to the user; on time means the first answer
    came on or before the due date. The median is approximate, a `HoursRange` of the answer-time histogram.
    """
    groups = _scoped_counters(user, date_from, date_to)
    by_category, by_branch = _by(groups, 0), _by(groups, 1)
    categories = InquiryCategory.objects.in_bulk(list(by_category))
    branches = Branch.objects.in_bulk([pk for pk in by_branch if pk])
    return {
        **_figures(_sum(by_category.values())),
        "by_category": [
            {"code": category.code, "name": category.name, **_figures(by_category[pk])}
            for pk, category in sorted(categories.items(), key=lambda item: (item[1].order, item[0]))
        ],
        "by_branch": sorted(
            (
                {
                    "code": branch.code if branch else "",
                    "name": str(branch) if branch else "",
                    **_figures(counters),
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
