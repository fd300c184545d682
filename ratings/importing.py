"""Backfill of declarations from CSV: COPY into a temporary table and one set-based upsert on PostgreSQL,
chunks through the batch service elsewhere. Backfills send no invitations (the declarations are history)."""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.validators import CLOCK_SKEW, DECLARATION_NUMBER
from partnerships.models import Enterprise
from ratings.models import Declaration
from ratings.rollups import rollup_rebuild
from ratings.services import (
    DECLARATION_FIELDS,
    _normalized_tax_code,
    clean_declaration_row,
    declarations_upsert,
    ensure_enterprises,
)

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (line number in the file, errors)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (PostgreSQL path)


class ImportFormatError(ValueError):
    pass


def _rows(handle: TextIO) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(handle)
    missing = set(DECLARATION_FIELDS) - set(reader.fieldnames or [])
    if missing:
        raise ImportFormatError(f"the CSV header lacks the columns: {', '.join(sorted(missing))}")
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
            "SELECT i.line, i.branch_code, i.team_code, i.official_code, b.id IS NULL, t.id IS NULL, o.id IS NULL "
            + joins
            + "WHERE b.id IS NULL OR t.id IS NULL OR o.id IS NULL OR o.branch_id <> b.id"
        )
        for line, branch_code, team_code, official_code, no_branch, no_team, no_official in cursor.fetchall():
            errors = {}
            if no_branch:
                errors["branch_code"] = [f"unknown branch code {branch_code}"]
            elif no_team:
                errors["team_code"] = [f"unknown team code {team_code} in branch {branch_code}"]
            if no_official:
                errors["official_code"] = [f"unknown official code {official_code}"]
            elif not no_branch:
                errors["official_code"] = [f"official {official_code} does not belong to branch {branch_code}"]
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


_CODE = re.compile(r"^[0-9A-Za-z._-]{1,32}$")


def _copy_rows(raw_cursor, handle: TextIO, result: ImportResult, tax_codes: dict, progress: Progress) -> bool:
    """Check each row and stream the good ones to COPY as text; returns whether a number came twice.

    The common case is checked inline (number, tax code, codes, ISO times); any row that fails falls back to
    clean_declaration_row for the same messages the API gives. Times go to PostgreSQL as written.
    """
    reader = csv.reader(handle)
    header = next(reader, None) or []
    missing = set(DECLARATION_FIELDS) - set(header)
    if missing:
        raise ImportFormatError(f"the CSV header lacks the columns: {', '.join(sorted(missing))}")
    index = [header.index(name) for name in DECLARATION_FIELDS]
    width = max(index) + 1
    zone = timezone.get_current_timezone()
    seen: set[str] = set()
    duplicates = False
    buffer: list[str] = []
    fromisoformat = datetime.fromisoformat
    horizon = timezone.now() + CLOCK_SKEW  # later rows take the slow path, which says what is wrong
    with raw_cursor.copy(
        f"COPY {_TEMP} (line, number, tax_code, branch_code, team_code, official_code, registered_at, cleared_at) "
        "FROM STDIN"
    ) as copy:
        for line, fields in enumerate(reader, start=2):
            ok = len(fields) >= width
            if ok:
                number, raw_tax, branch, team, official, registered, cleared = (fields[i].strip() for i in index)
                tax_code = tax_codes.get(raw_tax)
                if tax_code is None:
                    tax_code = tax_codes[raw_tax] = _normalized_tax_code(raw_tax)
                ok = (
                    DECLARATION_NUMBER.match(number) is not None
                    and isinstance(tax_code, str)
                    and _CODE.match(branch) is not None
                    and _CODE.match(team) is not None
                    and _CODE.match(official) is not None
                )
            if ok:
                try:
                    registered_at = fromisoformat(registered)
                    cleared_at = fromisoformat(cleared) if cleared else None
                except ValueError:
                    ok = False
                else:
                    if registered_at.tzinfo is None:
                        registered_at = registered_at.replace(tzinfo=zone)
                        registered = registered_at.isoformat()
                    if cleared_at is not None and cleared_at.tzinfo is None:
                        cleared_at = cleared_at.replace(tzinfo=zone)
                        cleared = cleared_at.isoformat()
                    ok = (cleared_at is None or registered_at <= cleared_at <= horizon) and registered_at <= horizon
            if not ok:
                raw = dict(zip(header, fields, strict=False))
                _row, errors = clean_declaration_row(raw, tax_codes)
                result.rejected.append((line, errors or {"non_field_errors": ["malformed row"]}))
            else:
                if number in seen:
                    duplicates = True
                seen.add(number)
                buffer.append(
                    f"{line}\t{number}\t{tax_code}\t{branch}\t{team}\t{official}\t{registered}\t{cleared or NULL}\n"
                )
            if len(buffer) >= 10_000:
                copy.write("".join(buffer))
                progress(len(buffer))
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
            progress(len(buffer))
    return duplicates


NULL = "\\N"
