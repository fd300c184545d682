"""The inquiries section of the results report, counted as the dashboard counts them: from the monthly rollup."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import OPEN_STATUSES, Inquiry, InquiryCategory, InquiryRollup
from complaints.rollup import COUNTERS
from complaints.statistics import group_counters, submitted_between
from customs_feedback.core.reporting import Column, ReportScope, Section, Table, report_section, share


def _overdue_unanswered(inquiries, today) -> dict[int, int]:
    """Per category: still unanswered after the due date (few: the open backlog, read through its index)."""
    rows = (
        inquiries.filter(status__in=OPEN_STATUSES, first_answered_at__isnull=True, due_date__lt=today)
        .values("category_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["category_id"]: row["count"] for row in rows}


@report_section(order=40)
def inquiries_section(scope: ReportScope) -> Section:
    """Inquiries submitted in the period (duplicates and out-of-scope ones apart), as things stand today.

    Overdue: answered after the due date, or still unanswered after it."""
    period = scope.period
    inquiries = scope.rows(submitted_between(Inquiry.objects.all(), period.first_day, period.last_day), "branch_id")
    groups = group_counters(
        rollup=scope.rows(InquiryRollup.objects.all(), "branch_id"),
        inquiries=inquiries,
        date_from=period.first_day,
        date_to=period.last_day,
    )
    unanswered_late = _overdue_unanswered(inquiries, timezone.localdate())
    by_category: dict[int, dict[str, int]] = {}
    for (category_id, _branch_id), counters in groups.items():
        totals = by_category.setdefault(category_id, dict.fromkeys(COUNTERS, 0))
        for name in COUNTERS:
            totals[name] += counters[name]
    for category_id, totals in by_category.items():
        totals["overdue"] = totals["answered"] - totals["on_time"] + unanswered_late.get(category_id, 0)
    totals = {name: sum(row[name] for row in by_category.values()) for name in (*COUNTERS, "overdue")}
    overview = Table(
        _("Inquiries"),
        [Column(_("Figure"), "text"), Column(_("Number"))],
        [
            [_("Received"), totals["received"]],
            [_("Answered"), totals["answered"]],
            [_("Answered on time"), totals["on_time"]],
            [_("Overdue (answered late or still unanswered after the due date)"), totals["overdue"]],
            [_("Duplicates and out of scope (not counted)"), totals["set_aside"]],
        ],
    )
    on_time = Table(
        _("Answers on time"),
        [Column(_("Figure"), "text"), Column(_("Share"), "percent")],
        [[_("Share of answers given on time"), share(totals["on_time"], totals["answered"])]],
    )
    by_category_table = Table(
        _("By category"),
        [
            Column(_("Category"), "text"),
            Column(_("Received")),
            Column(_("Answered")),
            Column(_("On time")),
            Column(_("Overdue")),
        ],
    )
    categories = InquiryCategory.objects.in_bulk([pk for pk, row in by_category.items() if row["received"]])
    for pk, category in sorted(categories.items(), key=lambda item: (item[1].order, item[1].code)):
        row = by_category[pk]
        by_category_table.rows.append([category.name, row["received"], row["answered"], row["on_time"], row["overdue"]])
    return Section(_("Inquiries"), [overview, on_time, by_category_table])
