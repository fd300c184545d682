"""Deadlines are counted in Vietnamese working days: weekends and public holidays (holidays.VN) skipped."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def submitted_at(moment: datetime, submit, category_code: str):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return submit(category_code=category_code)


@pytest.mark.parametrize(
    ("moment", "category_code", "due"),
    [
        # 10 working days from Thu 12 Feb 2026: Tết (16–20 Feb) and two weekends skipped.
        (datetime(2026, 2, 12, 9, 0, tzinfo=HANOI), "procedures", date(2026, 3, 5)),
        # Late on Friday evening in Hai Phong is still Friday (UTC has it at 16:30).
        (datetime(2026, 2, 13, 23, 30, tzinfo=HANOI), "procedures", date(2026, 3, 6)),
        # Sent during Tết or on the weekend before: counting starts after the holidays.
        (datetime(2026, 2, 17, 10, 0, tzinfo=HANOI), "e-customs", date(2026, 2, 27)),
        (datetime(2026, 2, 14, 10, 0, tzinfo=HANOI), "e-customs", date(2026, 2, 27)),
        # Hung Kings (observed Mon 27 Apr), 30 April and 1 May 2026.
        (datetime(2026, 4, 24, 16, 0, tzinfo=HANOI), "e-customs", date(2026, 5, 6)),
        # National Day 2026: Mon 31 Aug (substituted), Tue 1 and Wed 2 Sep; 15 days for classification.
        (datetime(2026, 8, 28, 8, 0, tzinfo=HANOI), "tariff-classification", date(2026, 9, 23)),
    ],
    ids=["tet-10-days", "late-friday", "during-tet", "weekend-before-tet", "april-holidays", "national-day"],
)
def test_the_due_date_falls_on_a_working_day_after_the_categorys_deadline(submit, moment, category_code, due):
    inquiry = submitted_at(moment, submit, category_code)

    assert inquiry.due_date == due
    assert due.weekday() < 5
