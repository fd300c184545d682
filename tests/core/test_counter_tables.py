"""The counter tables leave room in their pages, so a delta rewrites its row in place (a heap-only update that
touches no index) instead of adding an entry to each of the table's indexes (customs_feedback.counters)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from ratings.rollups import DAILY
from tests.factories import OfficialFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="fill factors are PostgreSQL's"),
]

COUNTER_TABLES = ("ratings_dailyrollup", "ratings_monthlyrollup", "complaints_inquiryrollup")


def in_place_updates(table: str) -> int:
    """Heap-only updates of `table` in this transaction (PostgreSQL counts them before they are committed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_every_counter_table_keeps_room_in_its_pages():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [list(COUNTER_TABLES)])
        options = dict(cursor.fetchall())
    assert options == {table: ["fillfactor=90"] for table in COUNTER_TABLES}


def test_deltas_to_a_row_in_a_filled_page_rewrite_it_in_place():
    official = OfficialFactory()
    days = [datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in range(200)]  # more than a page of rows
    key = (official.branch_id, official.team_id, official.pk)
    DAILY.add([((day, *key), {"ratings": 1}) for day in days])
    before = in_place_updates("ratings_dailyrollup")

    for _ in range(3):
        DAILY.add([((days[0], *key), {"ratings": 1})])

    # Filled to the brim, the first page had no room: the first delta moved the row to another page, adding an
    # entry to each of the table's indexes (2 of 3 in place).
    assert in_place_updates("ratings_dailyrollup") - before == 3
