"""The rollup counters added in this release have database defaults: the previous release, still serving while
a rolling deploy replaces it, writes rollup rows without naming them, and those writes must not fail."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from complaints.models import ANSWER_BUCKETS, InquiryCategory, InquiryRollup
from ratings.models import REJECTED_COLUMNS, DailyRollup
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db


def insert_without(model, new_columns, values: dict) -> None:
    """INSERT naming only `values`' columns, as the previous release's upsert does."""
    assert not set(values) & set(new_columns)
    columns = ", ".join(connection.ops.quote_name(name) for name in values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - model names
            list(values.values()),
        )


def test_the_previous_releases_inquiry_rollup_write_leaves_the_answer_time_steps_at_zero():
    category = InquiryCategory.objects.order_by("pk").first()
    old_counters = {"received": 1, "set_aside": 0, "answered": 0, "on_time": 0}

    insert_without(InquiryRollup, ANSWER_BUCKETS, {"month": datetime.date(2026, 12, 1), "category_id": category.pk,
                                                    **old_counters})  # fmt: skip

    row = InquiryRollup.objects.values(*ANSWER_BUCKETS).get(category=category, month=datetime.date(2026, 12, 1))
    assert set(row.values()) == {0}


def test_the_previous_releases_rating_rollup_write_leaves_low_and_rejected_at_zero():
    official = OfficialFactory()
    scores = [f"{target}_{score}" for target in ("official", "team", "branch") for score in range(1, 6)]
    new_columns = ["low", *REJECTED_COLUMNS]

    insert_without(DailyRollup, new_columns, {
        "day": datetime.date(2026, 12, 1), "branch_id": official.branch_id, "team_id": official.team_id,
        "official_id": official.pk, "declarations": 1, "ratings": 0, **dict.fromkeys(scores, 0),
    })  # fmt: skip

    row = DailyRollup.objects.values(*new_columns).get(official=official)
    assert set(row.values()) == {0}
