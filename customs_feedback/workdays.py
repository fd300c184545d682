"""Deadlines counted in Vietnamese working days: weekends and public holidays (holidays.VN) excluded."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=32)
def _vietnam_holidays(year: int) -> holidays.HolidayBase:
    return holidays.VN(years=[year])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _vietnam_holidays(day.year)


def add_working_days(start: date | datetime, days: int) -> date:
    """The date `days` working days after `start` (a request received on a holiday starts the next working day)."""
    day = timezone.localdate(start) if isinstance(start, datetime) else start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=offset)))
