"""Calendar periods (`YYYY`, `YYYY-Qn`, `YYYY-MM`): the only windows an official's own figures come in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$")


@dataclass(frozen=True)
class Period:
    code: str
    first_day: date
    last_day: date

    def is_closed(self, today: date) -> bool:
        """Over: nothing can still arrive in it, so its figures never change again."""
        return self.last_day < today

    def months(self) -> list[tuple[date, date]]:
        """(first day, last day) of each calendar month of the period."""
        months, start = [], self.first_day
        while start <= self.last_day:
            end = _month_end(start.year, start.month)
            months.append((start, end))
            start = end + timedelta(days=1)
        return months


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def parse_period(value: str) -> Period:
    """The period a code names; ValueError when it is not `YYYY`, `YYYY-Qn` or `YYYY-MM` (month 01–12)."""
    match = _PATTERN.match((value or "").strip().upper())
    if match is None:
        raise ValueError(value)
    year = int(match["year"])
    if year < 2000:
        raise ValueError(value)
    if match["quarter"]:
        first_month = (int(match["quarter"]) - 1) * 3 + 1
        return Period(match.group(0), date(year, first_month, 1), _month_end(year, first_month + 2))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(value)
        return Period(match.group(0), date(year, month, 1), _month_end(year, month))
    return Period(match.group(0), date(year, 1, 1), date(year, 12, 31))


def last_closed_periods(today: date, *, months: int = 12) -> list[Period]:
    """The closed months, quarters and years of the recent past, newest first (choices for an official)."""
    periods: list[Period] = []
    year, month = today.year, today.month
    for _step in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append(parse_period(f"{year}-{month:02d}"))
    quarters = {f"{p.first_day.year}-Q{(p.first_day.month - 1) // 3 + 1}" for p in periods}
    years = {str(p.first_day.year) for p in periods}
    extra = [parse_period(code) for code in sorted(quarters | years, reverse=True)]
    periods += [period for period in extra if period.is_closed(today)]
    return periods
