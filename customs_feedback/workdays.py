"""Deadlines counted in Vietnamese working days.

The base is the weekend and the public holidays of `holidays.VN`; the department's working calendar
(`core.CalendarDay`, admin data) overrides single days either way: a Saturday worked to bridge a holiday
is a working day, a day the department closes is not. A year's overrides are read in one query and kept
in the process for `REFERENCE_CACHE_SECONDS` (customs_feedback/caching.py): a day added in the admin counts
at once in the process that saved it and within those seconds in every other.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils import timezone

from customs_feedback.caching import ReferenceCache

if TYPE_CHECKING:
    import holidays


@lru_cache(maxsize=32)
def _vietnam_holidays(year: int) -> holidays.HolidayBase:
    import holidays  # imported where used: its calendars take a noticeable part of a process's start

    return holidays.VN(years=[year])


def _base_is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _vietnam_holidays(day.year)


class _Calendar:
    """The overrides of whole years, read once per year per calculation."""

    def __init__(self) -> None:
        self._years: dict[int, dict[date, bool]] = {}

    def is_working_day(self, day: date) -> bool:
        overrides = self._years.get(day.year)
        if overrides is None:
            overrides = self._years[day.year] = _overrides.get(day.year)
        return overrides.get(day, _base_is_working_day(day))


def _overrides_load(year: int) -> dict[date, bool]:
    from customs_feedback.core.models import CalendarDay

    rows = CalendarDay.objects.filter(day__year=year).values_list("day", "kind")
    return {day: kind == CalendarDay.Kind.WORKING_DAY for day, kind in rows}


_overrides: ReferenceCache[dict[date, bool]] = ReferenceCache(_overrides_load, models=("core.CalendarDay",))


def is_working_day(day: date) -> bool:
    return _Calendar().is_working_day(day)


def add_working_days(start: date | datetime, days: int) -> date:
    """The date `days` working days after `start` (a request received on a holiday starts the next working day)."""
    calendar = _Calendar()
    day = timezone.localdate(start) if isinstance(start, datetime) else start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    calendar = _Calendar()
    days = (start + timedelta(days=offset) for offset in range(1, (end - start).days + 1))
    return sum(1 for day in days if calendar.is_working_day(day))
