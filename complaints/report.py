"""The inquiries section of the results report, counted as the dashboard counts them, in SQL."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.models import Inquiry, InquiryStatus
from customs_feedback.core.reporting import Column, ReportScope, Section, Table, report_section, share


def _measures(today) -> dict:
    """Received, answered, on time (first answer on or before the due date) and overdue, as aggregates."""
    late = Q(first_answered_at__date__gt=F("due_date")) | Q(first_answered_at__isnull=True, due_date__lt=today)
    return {
        "received": Count("pk"),
        "answered": Count("pk", filter=Q(first_answered_at__isnull=False)),
        "on_time": Count("pk", filter=Q(first_answered_at__date__lte=F("due_date"))),
        "overdue": Count("pk", filter=late),
    }


@report_section(order=40)
def inquiries_section(scope: ReportScope) -> Section:
    """Inquiries submitted in the period (duplicates and out-of-scope ones apart), as things stand today."""
    period = scope.period
    submitted = scope.rows(
        Inquiry.objects.filter(submitted_at__gte=period.start, submitted_at__lt=period.end), "branch_id"
    )
    set_aside = submitted.filter(status__in=[InquiryStatus.DUPLICATE, InquiryStatus.OUT_OF_SCOPE]).count()
    counted = submitted.exclude(status__in=[InquiryStatus.DUPLICATE, InquiryStatus.OUT_OF_SCOPE])
    measures = _measures(timezone.localdate())
    totals = counted.aggregate(**measures)
    overview = Table(
        _("Inquiries"),
        [Column(_("Figure"), "text"), Column(_("Number"))],
        [
            [_("Received"), totals["received"]],
            [_("Answered"), totals["answered"]],
            [_("Answered on time"), totals["on_time"]],
            [_("Overdue (answered late or still unanswered after the due date)"), totals["overdue"]],
            [_("Duplicates and out of scope (not counted)"), set_aside],
        ],
    )
    on_time = Table(
        _("Answers on time"),
        [Column(_("Figure"), "text"), Column(_("Share"), "percent")],
        [[_("Share of answers given on time"), share(totals["on_time"], totals["answered"])]],
    )
    by_category = Table(
        _("By category"),
        [
            Column(_("Category"), "text"),
            Column(_("Received")),
            Column(_("Answered")),
            Column(_("On time")),
            Column(_("Overdue")),
        ],
    )
    rows = (
        counted.values("category__order", "category__code", "category__name_vi", "category__name_en")
        .annotate(**measures)
        .order_by("category__order", "category__code")
    )
    english = get_language() == "en"
    for row in rows:
        name = (row["category__name_en"] if english else "") or row["category__name_vi"]
        by_category.rows.append([name, row["received"], row["answered"], row["on_time"], row["overdue"]])
    return Section(_("Inquiries"), [overview, on_time, by_category])
