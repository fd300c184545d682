"""Counter tables kept by additive upserts (the ratings' daily and monthly rollups, the inquiries' monthly one).

A delta adds to the stored row (`INSERT … ON CONFLICT … DO UPDATE SET c = c + excluded.c`), so concurrent
writers never lose each other's counts; the same SQL runs on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection

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
