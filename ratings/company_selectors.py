"""Reads of the enterprise portal for ratings: one company's declarations and ratings, nobody else's."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone

from ratings.models import Declaration, Rating

PORTAL_MONTHS = 3  # the declarations page shows this many months back


def rate_until(declaration: Declaration) -> datetime | None:
    if declaration.cleared_at is None:
        return None
    return declaration.cleared_at + timedelta(days=settings.RATING_WINDOW_DAYS)


def is_rateable(declaration: Declaration, *, now: datetime | None = None) -> bool:
    """Cleared, not rated yet and still in the window: the same rules rating_submit applies."""
    until = rate_until(declaration)
    return until is not None and until >= (now or timezone.now()) and related_or_none(declaration, "rating") is None


def related_or_none(instance, name: str):
    """A one-to-one relation's object, or None when there is none."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def company_declarations(*, enterprise_id: int, unrated: bool = False) -> QuerySet[Declaration]:
    """The company's declarations of the last months, newest first; `unrated`: only those it can still rate."""
    now = timezone.now()
    declarations = Declaration.objects.filter(enterprise_id=enterprise_id).select_related("rating", "branch")
    if unrated:
        return declarations.filter(
            cleared_at__gte=now - timedelta(days=settings.RATING_WINDOW_DAYS), rating__isnull=True
        ).order_by("-cleared_at", "-pk")
    since = now - timedelta(days=31 * PORTAL_MONTHS)
    return declarations.filter(registered_at__gte=since).order_by("-registered_at", "-pk")


def company_ratings(*, enterprise_id: int) -> QuerySet[Rating]:
    """The company's ratings with their status and the outcome of a follow-up (never who investigated)."""
    return (
        Rating.objects.filter(declaration__enterprise_id=enterprise_id)
        .select_related("declaration", "branch", "case")
        .order_by("-submitted_at", "-pk")
    )


def rating_outcome(rating: Rating) -> str:
    """The follow-up's outcome as the company may read it: its status, and its conclusion once closed."""
    case = related_or_none(rating, "case")
    if case is None:
        return ""
    conclusion = case.get_conclusion_display() if case.conclusion else ""
    return f"{case.get_status_display()}: {conclusion}" if conclusion else case.get_status_display()
