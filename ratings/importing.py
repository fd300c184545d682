"""Backfill of declarations from CSV: COPY into a temporary table and one set-based upsert on PostgreSQL,
chunks through the batch service elsewhere. Backfills send no invitations (the declarations are history)."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import connection, transaction

from customs_feedback.organization.models import Branch, Official, Team
from partnerships.models import Enterprise
from ratings.models import Declaration
from ratings.rollups import rollup_rebuild
from ratings.services.declaration_rows import (
    DECLARATION_FIELDS,
    CleanDeclaration,
    clean_declaration_values,
    code_errors,
)
from ratings.services.declarations import declarations_upsert
from ratings.services.declarations_bulk import ensure_enterprises

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (line number in the file, errors)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (PostgreSQL path)


class ImportFormatError(ValueError):
    pass


def _check_header(header: Sequence[str] | None) -> None:
    missing = set(DECLARATION_FIELDS) - set(header or [])
    if missing:
        raise ImportFormatError(f"the CSV header lacks the columns: {', '.join(sorted(missing))}")


def _rows(handle: TextIO) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(handle)
    _check_header(reader.fieldnames)
    for row in reader:
        yield reader.line_num, row


def declarations_import(*, path: Path, progress: Progress = lambda _n: None, chunk_size: int = 2000) -> ImportResult:
    """Import a CSV of declarations (the API's field names as header), upserting by number."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        if connection.vendor == "postgresql":
            return _import_postgresql(handle, progress)
        return _import_portable(handle, progress, chunk_size)


def _import_portable(handle: TextIO, progress: Progress, chunk_size: int) -> ImportResult:
    result = ImportResult()
    chunk: list[tuple[int, dict]] = []

    def flush() -> None:
        outcome = declarations_upsert(rows=[row for _line, row in chunk], partial=True, invite=False)
        result.created += outcome.created
        result.updated += outcome.updated
        result.rejected.extend((chunk[index][0], errors) for index, errors in outcome.rejected)
        progress(len(chunk))
        chunk.clear()

    for line, row in _rows(handle):
        chunk.append((line, row))
        if len(chunk) >= chunk_size:
            flush()
    if chunk:
        flush()
    return result


_TEMP = "ratings_import_declaration"


def _import_postgresql(handle: TextIO, progress: Progress) -> ImportResult:
    result = ImportResult()
    tax_codes: dict = {}
    table = Declaration._meta.db_table
    clock = [time.perf_counter()]

    def mark(phase: str) -> None:
        now = time.perf_counter()
        result.timings[phase] = now - clock[0]
        clock[0] = now

    branch_table, team_table, official_table = (model._meta.db_table for model in (Branch, Team, Official))
    enterprise_table = Enterprise._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TEMP}")  # left by an earlier import in this transaction
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_TEMP} (line integer, number varchar(12), tax_code varchar(14), "
            "branch_code text, team_code text, official_code text, registered_at timestamptz, "
            "cleared_at timestamptz) ON COMMIT DROP"
        )
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")  # one commit at the end; a crash just loses the import
        raw_cursor = cursor.cursor  # psycopg 3: COPY FROM STDIN
        duplicates = _copy_rows(raw_cursor, handle, result, tax_codes, progress)
        mark("read, checked and copied")
        cursor.execute(f"ANALYZE {_TEMP}")

        cursor.execute(f"SELECT DISTINCT tax_code FROM {_TEMP}")  # noqa: S608 - fixed names
        ensure_enterprises(code for (code,) in cursor.fetchall())
        mark("enterprises")

        joins = (
            f"FROM {_TEMP} i LEFT JOIN {branch_table} b ON b.code = i.branch_code "
            f"LEFT JOIN {team_table} t ON t.branch_id = b.id AND t.code = i.team_code "
            f"LEFT JOIN {official_table} o ON o.code = i.official_code "
        )
        cursor.execute(
            "SELECT i.line, i.branch_code, i.team_code, i.official_code, b.id IS NOT NULL, t.id IS NOT NULL, "  # noqa: S608
            "o.id IS NOT NULL, o.branch_id IS NOT DISTINCT FROM b.id "
            + joins
            + "WHERE b.id IS NULL OR t.id IS NULL OR o.id IS NULL OR o.branch_id <> b.id"
        )
        known = ["branch_known", "team_known", "official_known", "official_in_branch"]
        for line, branch_code, team_code, official_code, *checks in cursor.fetchall():
            errors = code_errors(branch_code, team_code, official_code, **dict(zip(known, checks, strict=True)))
            result.rejected.append((line, errors))

        cursor.execute(
            f"SELECT min(d), max(d) FROM (SELECT (cleared_at AT TIME ZONE '{settings.TIME_ZONE}')::date AS d "  # noqa: S608
            f"FROM {_TEMP} UNION ALL "
            f"SELECT x.cleared_on FROM {table} x JOIN {_TEMP} i ON i.number = x.number) days"
        )
        first_day, last_day = cursor.fetchone()
        mark("rejected codes and days")
        cursor.execute(
            f"WITH upserted AS ("  # noqa: S608 - fixed names
            f"INSERT INTO {table} (number, enterprise_id, branch_id, team_id, official_id, registered_at, "
            "cleared_at, cleared_on, created_at, updated_at) "
            f"SELECT {'DISTINCT ON (i.number)' if duplicates else ''} i.number, e.id, b.id, t.id, o.id, "
            f"i.registered_at, i.cleared_at, (i.cleared_at AT TIME ZONE '{settings.TIME_ZONE}')::date, now(), now() "
            f"FROM {_TEMP} i JOIN {branch_table} b ON b.code = i.branch_code "
            f"JOIN {team_table} t ON t.branch_id = b.id AND t.code = i.team_code "
            f"JOIN {official_table} o ON o.code = i.official_code AND o.branch_id = b.id "
            f"JOIN {enterprise_table} e ON e.tax_code = i.tax_code "
            f"{'ORDER BY i.number, i.line DESC' if duplicates else ''} "
            "ON CONFLICT (number) DO UPDATE SET enterprise_id = excluded.enterprise_id, "
            "branch_id = excluded.branch_id, team_id = excluded.team_id, official_id = excluded.official_id, "
            "registered_at = excluded.registered_at, cleared_at = excluded.cleared_at, "
            "cleared_on = excluded.cleared_on, updated_at = excluded.updated_at "
            "RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted"
        )
        result.created, result.updated = cursor.fetchone()
        mark("upsert")
        if first_day is not None:
            rollup_rebuild(date_from=first_day, date_to=last_day)
        mark("rollup")
    result.rejected.sort(key=lambda item: item[0])
    return result


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_rows(raw_cursor, handle: TextIO, result: ImportResult, tax_codes: dict, progress: Progress) -> bool:
    """Check each row with the API's row-cleaning and stream the good ones to COPY as text; returns whether a
    number came twice. A rejected row carries the same translated messages the API gives."""
    reader = csv.reader(handle)
    header = next(reader, None) or []
    _check_header(header)
    index = [header.index(name) for name in DECLARATION_FIELDS]
    width = max(index) + 1
    seen: set[str] = set()
    duplicates = False
    buffer: list[str] = []
    with raw_cursor.copy(
        f"COPY {_TEMP} (line, number, tax_code, branch_code, team_code, official_code, registered_at, cleared_at) "
        "FROM STDIN"
    ) as copy:
        for line, fields in enumerate(reader, start=2):
            if len(fields) < width:
                fields = fields + [""] * (width - len(fields))
            row, errors = clean_declaration_values([fields[i] for i in index], tax_codes)
            if row is None:
                result.rejected.append((line, errors))
            else:
                duplicates = duplicates or row.number in seen
                seen.add(row.number)
                buffer.append(_copy_line(line, row))
            if len(buffer) >= 10_000:
                copy.write("".join(buffer))
                progress(len(buffer))
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
            progress(len(buffer))
    return duplicates


def _copy_line(line: int, row: CleanDeclaration) -> str:
    codes = "\t".join(code.translate(_COPY_ESCAPES) for code in (row.branch_code, row.team_code, row.official_code))
    cleared = row.cleared_at.isoformat() if row.cleared_at else NULL
    return f"{line}\t{row.number}\t{row.tax_code}\t{codes}\t{row.registered_at.isoformat()}\t{cleared}\n"


NULL = "\\N"
