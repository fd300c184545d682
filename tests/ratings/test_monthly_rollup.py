"""The monthly rollup is the daily rollup summed by month, after every write that keeps the daily one (a rating, by
one statement on PostgreSQL or the ORM elsewhere; its rejection and reinstatement; declarations cleared and moved),
after a rebuild of part of a month, and after the migration that backfilled it."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Sum

from ratings.models import DailyRollup, MonthlyRollup
from ratings.rollups import COUNTER_COLUMNS, monthly_recount, period_rollups, rollup_add, rollup_rebuild
from ratings.services import declarations_upsert, rating_contest, rating_contest_decide, rating_reject
from tests.factories import DeclarationFactory, EnterpriseFactory, valid_tax_code
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db


def stored_months() -> dict:
    rows = MonthlyRollup.objects.values("month", "branch_id", "team_id", "official_id", *COUNTER_COLUMNS)
    return {(row.pop("month"), row.pop("branch_id"), row.pop("team_id"), row.pop("official_id")): row for row in rows}


def assert_monthly_is_the_daily_summed():
    recount = monthly_recount()
    assert recount, "nothing was counted"
    assert stored_months() == {key: {column: counters.get(column, 0) for column in COUNTER_COLUMNS}
                               for key, counters in recount.items()}  # fmt: skip


def clearance(official, number: str, cleared_at: str) -> dict:
    return {
        "number": number,
        "tax_code": valid_tax_code(7),
        "branch_code": official.branch.code,
        "team_code": official.team.code,
        "official_code": official.code,
        "registered_at": "2026-10-30T08:15:00+07:00",
        "cleared_at": cleared_at,
    }


def test_ratings_their_rejection_and_reinstatement_keep_the_month_equal_to_its_days(official, leader, inspector):
    low = rate(
        DeclarationFactory(official=official, enterprise=EnterpriseFactory()),
        official=4,
        team=2,
        branch=5,
        reason="delay",
    )
    rate(DeclarationFactory(official=official, enterprise=EnterpriseFactory()), official=5, team=5, branch=4)
    assert_monthly_is_the_daily_summed()
    assert MonthlyRollup.objects.get().ratings == 2

    rating_reject(rating_id=low.pk, reason="abusive", note="Ngôn từ không phù hợp", actor=leader)
    assert_monthly_is_the_daily_summed()
    assert (MonthlyRollup.objects.get().ratings, MonthlyRollup.objects.get().rejected_abusive) == (1, 1)

    contest = rating_contest(rating_id=low.pk, text="Chúng tôi phản ánh đúng sự việc.")
    rating_contest_decide(contest_id=contest.pk, reinstate=True, note="Phản ánh có căn cứ.", actor=inspector)
    assert_monthly_is_the_daily_summed()
    assert (MonthlyRollup.objects.get().ratings, MonthlyRollup.objects.get().low) == (2, 1)


def test_declarations_cleared_and_moved_to_another_month_move_between_months(official):
    declarations_upsert(rows=[clearance(official, "101234567890", "2026-10-31T14:40:00+07:00")])
    declarations_upsert(rows=[clearance(official, "101234567891", "2026-11-02T14:40:00+07:00")])
    assert_monthly_is_the_daily_summed()

    declarations_upsert(rows=[clearance(official, "101234567890", "2026-11-05T09:00:00+07:00")])  # moved

    assert_monthly_is_the_daily_summed()
    months = dict(MonthlyRollup.objects.values_list("month", "declarations"))
    assert months == {datetime.date(2026, 10, 1): 0, datetime.date(2026, 11, 1): 2}


def test_a_rebuild_of_part_of_a_month_recounts_the_whole_month_from_its_days(official):
    declarations_upsert(rows=[clearance(official, "101234567890", "2026-11-02T14:40:00+07:00")])
    declarations_upsert(rows=[clearance(official, "101234567891", "2026-11-20T14:40:00+07:00")])
    # A drift in the month only (written past the services), which the daily rows do not have.
    MonthlyRollup.objects.filter(month=datetime.date(2026, 11, 1)).update(declarations=7, ratings=3)

    rollup_rebuild(date_from=datetime.date(2026, 11, 15), date_to=datetime.date(2026, 11, 25))

    assert_monthly_is_the_daily_summed()
    assert MonthlyRollup.objects.values_list("declarations", "ratings").get() == (2, 0)


def test_the_migration_backfills_the_months_from_the_days(official):
    declarations_upsert(rows=[clearance(official, "101234567890", "2026-10-31T14:40:00+07:00")])
    declarations_upsert(rows=[clearance(official, "101234567891", "2026-11-02T14:40:00+07:00")])
    rate(
        DeclarationFactory(official=official, enterprise=EnterpriseFactory()),
        official=1,
        team=2,
        branch=3,
        reason="delay",
    )
    MonthlyRollup.objects.all().delete()

    backfill = importlib.import_module("ratings.migrations.0010_backfill_monthly_rollup").backfill
    backfill(apps, SimpleNamespace(connection=connection))  # what RunPython's schema editor lends it

    assert_monthly_is_the_daily_summed()
    assert MonthlyRollup.objects.count() == len({(day.replace(day=1)) for day in DailyRollup.objects.values_list(
        "day", flat=True)}) >= 2  # fmt: skip


@pytest.mark.parametrize(
    ("first_day", "last_day", "read"),
    [
        ("2025-01-01", "2025-12-31", [MonthlyRollup]),  # a year: its months only
        ("2025-03-01", "2025-03-31", [MonthlyRollup]),
        ("2025-03-10", "2025-05-20", [MonthlyRollup, DailyRollup, DailyRollup]),  # April; days of March and May
        ("2025-03-10", "2025-04-30", [MonthlyRollup, DailyRollup]),
        ("2025-03-01", "2025-04-12", [MonthlyRollup, DailyRollup]),
        ("2025-03-10", "2025-03-20", [DailyRollup]),  # inside one month
        ("2025-02-28", "2025-03-01", [DailyRollup]),
    ],
)
def test_a_period_sums_to_its_days_from_its_whole_months_and_the_days_left_over(official, first_day, last_day, read):
    key = (official.branch_id, official.team_id, official.pk)
    days = [datetime.date(2025, 2, 26) + datetime.timedelta(days=step) for step in range(0, 130, 3)]  # Feb–July
    rollup_add({(day, *key): {"declarations": number} for number, day in enumerate(days, start=1)})
    first, last = datetime.date.fromisoformat(first_day), datetime.date.fromisoformat(last_day)

    parts = period_rollups(first_day=first, last_day=last)

    assert [part.model for part in parts] == read
    summed = sum(part.aggregate(total=Sum("declarations"))["total"] or 0 for part in parts)
    assert summed == sum(number for number, day in enumerate(days, start=1) if first <= day <= last)
