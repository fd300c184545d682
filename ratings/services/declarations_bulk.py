"""The raw-SQL bulk path of declaration ingestion: array parameters and binary binding on PostgreSQL,
bulk_create elsewhere. No model instances per row, one query per kind per batch."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from partnerships.models import Enterprise
from ratings.models import Declaration

MAX_BATCH = 1000


def ensure_enterprises(tax_codes: Iterable[str]) -> dict[str, int]:
    """The enterprise ids of these tax codes, creating records for unknown (valid) codes: two queries."""
    wanted = set(tax_codes)
    if connection.vendor == "postgresql":
        return _ensure_enterprises_postgresql(sorted(wanted))
    return _ensure_enterprises_portable(wanted)


def _ensure_enterprises_portable(wanted: set[str]) -> dict[str, int]:
    """bulk_create of model instances: the path for SQLite (and the one PostgreSQL took before)."""
    known = _ids_by_key(Enterprise, "tax_code", wanted)
    missing = wanted - known.keys()
    if missing:
        now = timezone.now()
        Enterprise.objects.bulk_create(
            [Enterprise(tax_code=code, created_at=now, updated_at=now) for code in sorted(missing)],
            ignore_conflicts=True,
        )
        known.update(Enterprise.objects.filter(tax_code__in=missing).values_list("tax_code", "pk"))
    return known


def _ensure_enterprises_postgresql(codes: list[str]) -> dict[str, int]:
    """One INSERT … SELECT FROM unnest(codes) ON CONFLICT DO NOTHING RETURNING the new ids, and one SELECT for the
    codes stored before (none when all are new, as in a first import): no model instance per code.

    Every other column gets the model field's own default (converted as the ORM would save it), so a field
    added to Enterprise later is filled here too; a field without a default makes this fail loudly.
    """
    now = timezone.now()
    fields = [field for field in Enterprise._meta.concrete_fields if not field.primary_key and field.name != "tax_code"]
    values = [now if field.name in {"created_at", "updated_at"} else field.get_default() for field in fields]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
    columns = ", ".join(str(field.column) for field in fields)  # concrete fields always have a column
    casts = [field.cast_db_type(connection) for field in fields]
    if None in casts:
        raise TypeError("Every Enterprise column needs a database type to be filled by the bulk insert.")
    created = _pg_binary(
        f"INSERT INTO {Enterprise._meta.db_table} (tax_code, {columns}) "  # noqa: S608 - names from the model
        f"SELECT code, {', '.join(f'%s::{cast}' for cast in casts)} "
        "FROM unnest(%b::text[]) code "
        "ON CONFLICT (tax_code) DO NOTHING RETURNING tax_code, id",
        [*params, codes],
    )
    known = dict(created)
    stored_before = set(codes) - known.keys()
    if stored_before:
        known.update(_ids_by_key(Enterprise, "tax_code", stored_before))
    return known


def _pg_binary(sql: str, params: list) -> list[tuple]:
    """Run SQL with server-side binding and binary parameters (`%b`) on Django's connection and transaction:
    arrays of a thousand values are sent without quoting each one (several times faster than text)."""
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
    if connection.queries_logged:  # visible to DEBUG tooling and assertNumQueries like any other query
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def _ids_by_key(model, field_name: str, keys: set[str]) -> dict[str, int]:
    """{key: pk} for the rows whose `field_name` is in `keys` (one array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        table, column = model._meta.db_table, model._meta.get_field(field_name).column
        return dict(_pg_binary(f"SELECT {column}, id FROM {table} WHERE {column} = ANY(%b::text[])", [list(keys)]))  # noqa: S608
    return dict(model.objects.filter(**{f"{field_name}__in": keys}).values_list(field_name, "pk"))


def _existing_declarations(numbers: list[str]) -> dict[str, tuple]:
    """The rollup key (cleared_on, branch, team, official) of the declarations that exist, locked for the upsert."""
    if connection.vendor == "postgresql":
        rows = _pg_binary(
            "SELECT number, cleared_on, branch_id, team_id, official_id FROM ratings_declaration "
            "WHERE number = ANY(%b::text[]) ORDER BY number FOR UPDATE",
            [numbers],
        )
        return {number: tuple(key) for number, *key in rows}
    keys = Declaration.objects.filter(number__in=numbers).values_list(
        "number", "cleared_on", "branch_id", "team_id", "official_id"
    )
    return {number: tuple(key) for number, *key in keys}


_UPSERT_FIELDS = ["enterprise", "branch", "team", "official", "registered_at", "cleared_at", "cleared_on", "updated_at"]


_WRITE_COLUMNS = [
    "number",
    "enterprise_id",
    "branch_id",
    "team_id",
    "official_id",
    "registered_at",
    "cleared_at",
    "cleared_on",
]


def _write_declarations(records: list[tuple]) -> None:
    """Insert or update by number (records in _WRITE_COLUMNS order): one statement with array parameters on
    PostgreSQL (no model instances, no per-row placeholders), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        now = timezone.now()
        Declaration.objects.bulk_create(
            [
                Declaration(**dict(zip(_WRITE_COLUMNS, record, strict=True)), created_at=now, updated_at=now)
                for record in records
            ],
            batch_size=MAX_BATCH,
            update_conflicts=True,
            unique_fields=["number"],
            update_fields=_UPSERT_FIELDS,
        )
        return
    columns = _WRITE_COLUMNS
    records = sorted(records)  # by number: concurrent batches lock the rows they share in the same order
    types = ["varchar", "bigint", "bigint", "bigint", "bigint", "timestamptz", "timestamptz", "date"]
    arrays = [list(values) for values in zip(*records, strict=True)]
    updates = ", ".join(f"{column} = excluded.{column}" for column in [*columns[1:], "updated_at"])
    _pg_binary(
        f"INSERT INTO {Declaration._meta.db_table} ({', '.join(columns)}, created_at, updated_at) "  # noqa: S608
        f"SELECT *, now(), now() FROM unnest({', '.join(f'%b::{kind}[]' for kind in types)}) "
        f"ON CONFLICT (number) DO UPDATE SET {updates}",
        arrays,
    )
