"""Reads of the inquiries app: staff lists through for_user, public views with nothing internal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from complaints.filters import FaqFilter
from complaints.models import OPEN_STATUSES, FaqEntry, Inquiry, InquiryCategory, InquiryMessage, InquiryStatus
from complaints.services import tracking_code_normalize
from complaints.statistics import inquiry_stats  # noqa: F401 - the statistics live apart; callers import them here
from customs_feedback.organization.scoping import staff_official
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
