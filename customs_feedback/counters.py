"""Counter tables kept by additive upserts (the ratings' daily and monthly rollups, the inquiries' monthly one).

A delta adds to the stored row (`INSERT … ON CONFLICT … DO UPDATE SET c = c + excluded.c`), so concurrent
writers never lose each other's counts; the same SQL runs on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection, migrations

UPSERT_CHUNK = 500  # keys per statement: a rebuild's or an import's deltas stay well under the parameter limits


@dataclass(frozen=True)
class CounterTable:
    """A table of counters by key: `keys` then `counters` are its columns, `conflict` its unique index."""

    table: str
    keys: tuple[str, ...]
    counters: tuple[str, ...]
    conflict: str

    def upsert_sql(self, rows: str) -> str:
        """The statement adding `rows` (a VALUES list or a SELECT of the keys then the counters, in order)."""
        updates = ", ".join(f"{counter} = {self.table}.{counter} + excluded.{counter}" for counter in self.counters)
        return (
            f"INSERT INTO {self.table} ({', '.join([*self.keys, *self.counters])}) {rows} "
            f"ON CONFLICT ({self.conflict}) DO UPDATE SET {updates}"
        )

    def add(self, deltas: Iterable[tuple[Sequence, Mapping[str, int]]]) -> None:
        """Add each (key, counters) delta, skipping those that add nothing; one statement per UPSERT_CHUNK keys.

        Give the deltas in the table's lock order (the caller sorts them): concurrent writers then lock the same
        rows in the same order and never deadlock.
        """
        items = [(key, values) for key, values in deltas if any(values.values())]
        row = "(" + ", ".join(["%s"] * (len(self.keys) + len(self.counters))) + ")"
        with connection.cursor() as cursor:
            for start in range(0, len(items), UPSERT_CHUNK):
                chunk = items[start : start + UPSERT_CHUNK]
                params: list = []
                for key, values in chunk:
                    params.extend(key)
                    params.extend(values.get(counter, 0) for counter in self.counters)
                cursor.execute(self.upsert_sql(f"VALUES {', '.join([row] * len(chunk))}"), params)


def page_room_operation(*tables: str, fillfactor: int) -> migrations.RunPython:
    """A migration setting the fill factor of counter tables on PostgreSQL (SQLite has none).

    Every delta rewrites its row. When the row's page has room for the new version, PostgreSQL writes it
    there as a heap-only tuple: no index is touched, and the dead versions are pruned away within the page.
    Filled to the brim (PostgreSQL's default, 100), the page a new row lands in has no such room once full:
    the row's first delta moves it to another page and adds an entry to each of the table's indexes (four or
    five), and a day's row is new every day (tests/core/test_counter_tables.py). Pages written from now on keep
    a tenth free; existing ones are left as they are (rewriting them would lock the table).
    """

    def apply(setting: str):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor != "postgresql":
                return
            for table in tables:
                schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} {setting}")

        return run

    return migrations.RunPython(apply(f"SET (fillfactor = {int(fillfactor)})"), apply("RESET (fillfactor)"))
