"""Reads of the inquiries app: staff lists through for_user, public views with nothing internal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from complaints.filters import FaqFilter
from complaints.models import OPEN_STATUSES, FaqEntry, Inquiry, InquiryCategory, InquiryMessage, InquiryStatus
from complaints.services import tracking_code_normalize
from customs_feedback.aggregates import Median
from customs_feedback.organization.models import Branch
from customs_feedback.organization.scoping import for_user, staff_official
from customs_feedback.workdays import add_working_days


def category_list() -> QuerySet[InquiryCategory]:
    return InquiryCategory.objects.filter(is_active=True)


def inquiry_for_tracking(*, tracking_code: str, email: str) -> Inquiry | None:
    """The inquiry whose code and submitter email both match, else None (never says which one failed)."""
    code = tracking_code_normalize(tracking_code)
    if not code or not (email or "").strip():
        return None
    return (
        Inquiry.objects.filter(tracking_code=code, email__iexact=email.strip())
        .select_related("category")
        .prefetch_related("messages")
        .first()
    )


def inquiry_by_code(*, tracking_code: str) -> Inquiry | None:
    return Inquiry.objects.filter(tracking_code=tracking_code).select_related("category").first()


def inquiry_public_view(inquiry: Inquiry) -> dict:
    """What the submitter may see: status, deadline, answer and conversation; no notes, no staff names."""
    answer = None
    if inquiry.answered_at is not None and inquiry.answer:
        answer = {"text": inquiry.answer, "answered_at": inquiry.answered_at, "unit": inquiry.answer_unit}
    return {
        "tracking_code": inquiry.tracking_code,
        "status": inquiry.status,
        "status_label": InquiryStatus(inquiry.status).label,
        "subject": inquiry.subject,
        "body": inquiry.body,
        "category": inquiry.category.name,
        "submitted_at": inquiry.submitted_at,
        "due_date": inquiry.due_date,
        "answer": answer,
        "conversation": [
            {"author": message.author, "unit": message.unit_name, "text": message.text, "at": message.created_at}
            for message in inquiry.messages.all()
        ],
    }


def first_answer_text(inquiry: Inquiry) -> str:
    """The answer given to the question as first asked (a FAQ entry pairs the two, not a later follow-up)."""
    first = inquiry.messages.filter(author=InquiryMessage.Author.STAFF).order_by("created_at", "pk").first()
    return first.text if first is not None else inquiry.answer


QUEUES = ("new", "mine", "overdue", "due_soon")


def inquiry_queue(queryset: QuerySet[Inquiry], *, queue: str, user, today: date | None = None) -> QuerySet[Inquiry]:
    """One staff work queue of `queryset`: new, mine (open and assigned to me), overdue, due soon."""
    today = today or timezone.localdate()
    if queue == "new":
        return queryset.filter(status=InquiryStatus.NEW)
    if queue == "mine":
        official = staff_official(user)
        return queryset.filter(assignee=official, status__in=OPEN_STATUSES) if official else queryset.none()
    if queue == "overdue":
        return queryset.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    if queue == "due_soon":
        horizon = add_working_days(today, settings.INQUIRY_DUE_SOON_DAYS)
        return queryset.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=horizon)
    return queryset


def enterprise_name(tax_code: str) -> str:
    """The registered enterprise's name for a tax code, read without importing the partnerships app."""
    if not tax_code:
        return ""
    try:
        enterprise_model = apps.get_model("partnerships", "Enterprise")
    except LookupError:
        return ""
    enterprise = enterprise_model.objects.filter(tax_code=tax_code).first()
    return str(getattr(enterprise, "name_vi", "") or getattr(enterprise, "name_en", "")) if enterprise else ""


def faq_search(*, filters: Mapping[str, Any] | None = None) -> QuerySet[FaqEntry]:
    """Published FAQ entries matching the query parameters (`q`, `category`; see FaqFilter).

    A ValidationError names each bad parameter.
    """
    queryset = FaqEntry.objects.filter(is_published=True).select_related("category")
    filterset = FaqFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs


def _figures(row: dict) -> dict:
    median = row["median_to_answer"]
    return {
        "received": row["received"],
        "answered": row["answered"],
        "on_time_share": round(row["on_time"] / row["answered"], 4) if row["answered"] else None,
        "median_hours_to_answer": round(median.total_seconds() / 3600, 1) if median is not None else None,
    }


_FIGURES = {
    "received": Count("pk"),
    "answered": Count("first_answered_at"),
    # On time: the first answer came on or before the due date, both as local (Vietnam) days.
    "on_time": Count("pk", filter=Q(first_answered_at__date__lte=F("due_date"))),
    "median_to_answer": Median(F("first_answered_at") - F("submitted_at"), output_field=DurationField()),
}


def inquiry_stats(*, user, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Received, answered, on-time share and median time to answer, overall, by category and by branch.

    Counted over inquiries submitted in the period and visible to the user; on time means the first
    answer came on or before the due date. One pass over the inquiries on PostgreSQL (GROUPING SETS),
    three aggregate queries elsewhere; never a row loaded into Python.
    """
    queryset = for_user(user, Inquiry.objects.all()).exclude(
        status__in=[InquiryStatus.DUPLICATE, InquiryStatus.OUT_OF_SCOPE]
    )
    if date_from:
        queryset = queryset.filter(submitted_at__gte=_local_midnight(date_from))
    if date_to:
        queryset = queryset.filter(submitted_at__lt=_local_midnight(date_to + timedelta(days=1)))
    queryset = queryset.order_by()
    if connections[queryset.db].vendor == "postgresql":
        overall, by_category, by_branch = _figures_grouping_sets(queryset)
    else:
        overall = queryset.aggregate(**_FIGURES)
        by_category = list(queryset.values("category_id").annotate(**_FIGURES))
        by_branch = list(queryset.values("branch_id").annotate(**_FIGURES))
    categories = InquiryCategory.objects.in_bulk([row["category_id"] for row in by_category])
    branches = Branch.objects.in_bulk([row["branch_id"] for row in by_branch if row["branch_id"]])
    category_rows = sorted(by_category, key=lambda row: (categories[row["category_id"]].order, row["category_id"]))
    return {
        **_figures(overall),
        "by_category": [
            {"code": category.code, "name": category.name, **_figures(row)}
            for row in category_rows
            for category in [categories[row["category_id"]]]
        ],
        "by_branch": sorted(
            (
                {
                    "code": branch.code if branch else "",
                    "name": str(branch) if branch else "",
                    **_figures(row),
                }
                for row in by_branch
                for branch in [branches.get(row["branch_id"])]
            ),
            key=lambda row: row["code"],
        ),
    }


# The three groupings of inquiry_stats in one scan: the inner query is the ORM's (scoping, period, the
# on-time test in local days), the outer one aggregates it by (), (category) and (branch) at once.
_GROUPING_SETS_SQL = """
    SELECT GROUPING(category_id) AS category_aggregated, GROUPING(branch_id) AS branch_aggregated,
           category_id, branch_id,
           COUNT(*) AS received, COUNT(to_answer) AS answered, COUNT(*) FILTER (WHERE on_time) AS on_time,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY to_answer) AS median_to_answer
      FROM ({inner}) AS inquiry
     GROUP BY GROUPING SETS ((), (category_id), (branch_id))
"""


def _figures_grouping_sets(queryset: QuerySet[Inquiry]) -> tuple[dict, list[dict], list[dict]]:
    """inquiry_stats' overall, by-category and by-branch rows from one PostgreSQL statement."""
    inner = queryset.annotate(
        on_time=ExpressionWrapper(Q(first_answered_at__date__lte=F("due_date")), output_field=BooleanField()),
        to_answer=ExpressionWrapper(F("first_answered_at") - F("submitted_at"), output_field=DurationField()),
    ).values("category_id", "branch_id", "on_time", "to_answer")
    inner_sql, params = inner.query.sql_with_params()
    overall = {"received": 0, "answered": 0, "on_time": 0, "median_to_answer": None}
    by_category: list[dict] = []
    by_branch: list[dict] = []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(_GROUPING_SETS_SQL.format(inner=inner_sql), params)
        columns = [column.name for column in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(columns, values, strict=True))
            category_aggregated, branch_aggregated = row.pop("category_aggregated"), row.pop("branch_aggregated")
            if category_aggregated and branch_aggregated:
                overall = row
            elif branch_aggregated:
                by_category.append(row)
            else:
                by_branch.append(row)
    return overall, by_category, by_branch


def _local_midnight(day: date) -> datetime:
    """The start of a local day as an aware datetime: compares against the indexed column as it is."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def inquiry_public_figures() -> list[dict]:
    """The home page's figures: inquiries answered in the last 12 months, and the share answered on time."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    since = timezone.now() - timedelta(days=365)
    counts = Inquiry.objects.filter(submitted_at__gte=since, first_answered_at__isnull=False).aggregate(
        answered=Count("pk"), on_time=Count("pk", filter=Q(first_answered_at__date__lte=F("due_date")))
    )
    figures = [{"label": _("inquiries answered in the last 12 months"), "value": counts["answered"],
                "url": reverse("complaints:faq")}]  # fmt: skip
    if counts["answered"]:
        share = round(100 * counts["on_time"] / counts["answered"])
        figures.append({"label": _("of them answered on time"), "value": f"{share}%"})
    return figures


def company_inquiries(*, tax_code: str) -> list[dict]:
    """The inquiries sent under a company's tax code, as their submitter sees them (enterprise portal)."""
    if not tax_code:
        return []
    inquiries = (
        Inquiry.objects.filter(tax_code=tax_code)
        .select_related("category")
        .prefetch_related("messages")
        .order_by("-submitted_at", "-pk")[:200]
    )
    return [inquiry_public_view(inquiry) for inquiry in inquiries]
