"""Aggregates Django does not ship, computed by the database so figures never load rows into Python."""

from __future__ import annotations

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate


class Median(Aggregate):
    """The median of an expression (NULLs ignored): `percentile_cont(0.5)` on PostgreSQL.

    SQLite (development and the default test run) has no median; `register_sqlite_median` gives each SQLite
    connection a MEDIAN aggregate, so the same query runs on both.
    """

    function = "MEDIAN"
    name = "Median"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def register_sqlite_median(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


connection_created.connect(register_sqlite_median, dispatch_uid="customs_feedback.aggregates.sqlite_median")
