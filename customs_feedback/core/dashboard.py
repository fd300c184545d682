"""The back-office dashboard on the admin index: each app contributes panels for the roles that may see them.

A provider is a function `(request) -> Panel | None`, registered with `@panel(order=...)` in the app's
`dashboard.py` (discovered like admin.py). It returns None when the user's role has nothing to see, and
builds its figures from the app's selectors over `for_user` querysets, so the dashboard never shows a
figure from outside the user's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from customs_feedback.core.registry import providers_in_order, register_provider


@dataclass(frozen=True)
class Figure:
    label: str
    value: str | int | float
    url: str = ""  # the filtered list behind the figure
    tone: str = ""  # "", "good", "warn" or "bad"


@dataclass(frozen=True)
class Chart:
    title: str
    points: list[tuple[str, float]]  # (label, value), oldest first
    unit: str = ""
    url: str = ""

    WIDTH = 360
    HEIGHT = 120

    @property
    def bars(self) -> list[dict]:
        """Geometry of an SVG bar chart, computed here so the template needs no script."""
        if not self.points:
            return []
        top = max(value for _label, value in self.points) or 1
        slot = self.WIDTH / len(self.points)
        bars = []
        for index, (label, value) in enumerate(self.points):
            height = round((self.HEIGHT - 30) * value / top, 1)  # 14 px above the tallest bar for its value
            bars.append({
                "x": round(index * slot + slot * 0.15, 1),
                "y": round(self.HEIGHT - 16 - height, 1),  # leaves 16 px below for the month labels
                "width": round(slot * 0.7, 1),
                "height": height,
                "label": label,
                "value": value,
                "label_x": round(index * slot + slot / 2, 1),
            })  # fmt: skip
        return bars


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)  # {"title", "columns": [...], "rows": [[...]]}


Provider = Callable[[HttpRequest], Panel | None]
_providers: list[tuple[int, str, Provider]] = []


def panel(order: int) -> Callable[[Provider], Provider]:
    return register_provider(_providers, order)


def panels_for(request: HttpRequest) -> list[Panel]:
    """The panels of every provider that has something for this user (apps' dashboard.py load at start-up)."""
    return [result for provider in providers_in_order(_providers) if (result := provider(request)) is not None]


def last_months(count: int = 12, *, today=None) -> list:
    """First days of the last `count` months, oldest first, the current month last."""
    from django.utils import timezone

    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _step in range(count):
        months.append(today.replace(year=year, month=month, day=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def monthly_counts(queryset, date_field: str, *, months: int = 12, total=None) -> list[tuple[str, float]]:
    """(MM/YY, rows) for each of the last `months` months, zero where nothing happened: one query.

    `total` replaces the row count (e.g. `Sum("ratings")` over a rollup). The period is a plain range on the
    column, so its index serves it (a `__date` lookup would cast every row first).
    """
    from datetime import datetime, time

    from django.db.models import Count, DateTimeField
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    window = last_months(months)
    start = window[0]
    if isinstance(queryset.model._meta.get_field(date_field), DateTimeField):
        start = datetime.combine(start, time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        queryset.filter(**{f"{date_field}__gte": start})
        .annotate(of_month=TruncMonth(date_field))
        .values("of_month")
        .annotate(total=total if total is not None else Count("pk"))
        .order_by()
    )
    totals = {_as_date(row["of_month"]): row["total"] for row in rows}
    return [(f"{month:%m/%y}", totals.get(month, 0) or 0) for month in window]


def _as_date(value):
    """A month bucket as a date (TruncMonth gives a datetime for a datetime column, a date for a date column)."""
    return value.date() if hasattr(value, "date") else value
