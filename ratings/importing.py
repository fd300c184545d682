"""Backfill of declarations from CSV: COPY into a temporary table and one set-based upsert on PostgreSQL,
chunks through the batch service elsewhere. Backfills send no invitations (the declarations are history)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.db import connection, transaction

from customs_feedback.organization.models import Branch, Official, Team
from partnerships.models import Enterprise
from ratings.models import Declaration
from ratings.rollups import rollup_rebuild
from ratings.services import DECLARATION_FIELDS, clean_declaration_row, declarations_upsert, ensure_enterprises

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (line number in the file, errors)


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
    branch_table, team_table, official_table = (model._meta.db_table for model in (Branch, Team, Official))
    enterprise_table = Enterprise._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TEMP}")  # left by an earlier import in this transaction
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_TEMP} (line integer, number varchar(12), tax_code varchar(14), "
            "branch_code text, team_code text, official_code text, registered_at timestamptz, "
            "cleared_at timestamptz, cleared_on date) ON COMMIT DROP"
        )
        raw_cursor = cursor.cursor  # psycopg 3: COPY FROM STDIN, rows adapted in C
        pending = 0
        with raw_cursor.copy(
            f"COPY {_TEMP} (line, number, tax_code, branch_code, team_code, official_code, registered_at, "
            "cleared_at, cleared_on) FROM STDIN"
        ) as copy:
            for line, raw in _rows(handle):
                row, errors = clean_declaration_row(raw, tax_codes)
                if errors:
                    result.rejected.append((line, errors))
                else:
                    copy.write_row(
                        (
                            line,
                            row.number,
                            row.tax_code,
                            row.branch_code,
                            row.team_code,
                            row.official_code,
                            row.registered_at,
                            row.cleared_at,
                            row.cleared_at.astimezone(_local_zone()).date() if row.cleared_at else None,
                        )
                    )
                pending += 1
                if pending == 10_000:
                    progress(pending)
                    pending = 0
        progress(pending)
        cursor.execute(f"ANALYZE {_TEMP}")

        cursor.execute(f"SELECT DISTINCT tax_code FROM {_TEMP}")  # noqa: S608 - fixed names
        ensure_enterprises(code for (code,) in cursor.fetchall())

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
            f"SELECT min(d), max(d) FROM (SELECT cleared_on AS d FROM {_TEMP} UNION ALL "  # noqa: S608
            f"SELECT x.cleared_on FROM {table} x JOIN {_TEMP} i ON i.number = x.number) days"
        )
        first_day, last_day = cursor.fetchone()
        cursor.execute(
            f"WITH upserted AS ("  # noqa: S608 - fixed names
            f"INSERT INTO {table} (number, enterprise_id, branch_id, team_id, official_id, registered_at, "
            "cleared_at, cleared_on, created_at, updated_at) "
            "SELECT DISTINCT ON (i.number) i.number, e.id, b.id, t.id, o.id, i.registered_at, i.cleared_at, "
            "i.cleared_on, now(), now() "
            f"FROM {_TEMP} i JOIN {branch_table} b ON b.code = i.branch_code "
            f"JOIN {team_table} t ON t.branch_id = b.id AND t.code = i.team_code "
            f"JOIN {official_table} o ON o.code = i.official_code AND o.branch_id = b.id "
            f"JOIN {enterprise_table} e ON e.tax_code = i.tax_code "
            "ORDER BY i.number, i.line DESC "
            "ON CONFLICT (number) DO UPDATE SET enterprise_id = excluded.enterprise_id, "
            "branch_id = excluded.branch_id, team_id = excluded.team_id, official_id = excluded.official_id, "
            "registered_at = excluded.registered_at, cleared_at = excluded.cleared_at, "
            "cleared_on = excluded.cleared_on, updated_at = excluded.updated_at "
            "RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted"
        )
        result.created, result.updated = cursor.fetchone()
        if first_day is not None:
            rollup_rebuild(date_from=first_day, date_to=last_day)
    result.rejected.sort(key=lambda item: item[0])
    return result


def _local_zone():
    from django.utils import timezone

    return timezone.get_current_timezone()
