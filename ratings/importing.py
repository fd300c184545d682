"""Backfill of declarations from CSV: rows checked in Python and written by binary COPY on PostgreSQL (new
numbers straight into the table, updates through a temporary table and one set-based upsert), chunks
through the batch service elsewhere. Backfills send no invitations (the declarations are history)."""

from __future__ import annotations

import csv
import gc
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from ratings.models import Declaration
from ratings.rollups import rollup_rebuild
from ratings.services.declaration_rows import DECLARATION_FIELDS, clean_declaration_values, not_after
from ratings.services.declarations import code_lookups, declarations_upsert
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


def _import_postgresql(handle: TextIO, progress: Progress) -> ImportResult:
    with _cyclic_gc_paused():
        return _PostgresImport(handle, progress).run()


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector for the length of an import, then give it back as it was.

    An import keeps a chunk's rows and every accepted number alive while it allocates several objects a
    row, so the collector ran its full passes over them again and again: a quarter of the import's Python
    time in the profile (see bench/RESULTS.md, fourth pass). The rows form no reference cycles; what they
    free, reference counting frees at once, and anything cyclic left is collected when the collector is back.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_TEMP = "ratings_import_declaration"
_SAVEPOINT = "ratings_import_chunk"
_CHUNK = 10_000
# What an import writes into the declaration table, with the binary COPY type of each column; the test suite
# checks that these are all of the model's columns but its id, so a field added later cannot be left out.
COPY_COLUMNS = {
    "number": "varchar",
    "enterprise_id": "int8",
    "branch_id": "int8",
    "team_id": "int8",
    "official_id": "int8",
    "registered_at": "timestamptz",
    "cleared_at": "timestamptz",
    "cleared_on": "date",
    "created_at": "timestamptz",
    "updated_at": "timestamptz",
}
_WRITTEN = list(COPY_COLUMNS)[:8]  # the columns a row brings (created_at and updated_at are the import's)
_AGAIN_TYPES = ["int4", *[COPY_COLUMNS[column] for column in _WRITTEN]]  # the temporary table: line, then the row


@dataclass
class _Chunk:
    """Rows of the file on their way to the table: those COPY writes (with their lines), those repeating a
    number the file gave before, and those whose enterprise id is still their tax code."""

    lines: list[int] = field(default_factory=list)
    records: list[list] = field(default_factory=list)  # in COPY_COLUMNS order
    again: list[tuple[int, list]] = field(default_factory=list)  # (line, record)
    unresolved: list[list] = field(default_factory=list)


class _PostgresImport:
    """Check every row in Python with the API's own row-cleaning and code resolution, then write it once.

    A chunk of rows goes straight into the table by binary COPY, as the COPY reference does. A chunk in
    which a number is stored already, and a row that repeats a number of the file, go to a temporary table
    instead, and one set-based upsert applies those at the end (the last row of a number wins).
    The rollup is rebuilt for the days the import touched, before and after.
    """

    def __init__(self, handle: TextIO, progress: Progress) -> None:
        self.handle = handle
        self.progress = progress
        self.result = ImportResult()
        self.tax_codes: dict = {}
        self.enterprises: dict[str, int] = {}
        self.zone = timezone.get_default_timezone()
        self.seen: set[str] = set()  # every number accepted so far
        self.copied: set[str] = set()  # those written by COPY
        self.repeated: set[str] = set()  # numbers that came more than once
        self.again = 0  # rows in the temporary table
        self.days: set[date] = set()  # the days of the clearances the import stored or replaced
        self.clock = time.perf_counter()

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.result.timings[phase] = self.result.timings.get(phase, 0.0) + now - self.clock
        self.clock = now

    def run(self) -> ImportResult:
        with transaction.atomic(), connection.cursor() as cursor:
            # A bulk job's session: sorts in memory, and the commit does not wait for the WAL flush (a crash in
            # that instant loses the import, which is then run again; nothing else rides on this transaction).
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(f"DROP TABLE IF EXISTS {_TEMP}")  # left by an earlier import in this transaction
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_TEMP} (line integer, number varchar(12), enterprise_id bigint, "
                "branch_id bigint, team_id bigint, official_id bigint, registered_at timestamptz, "
                "cleared_at timestamptz, cleared_on date) ON COMMIT DROP"
            )
            cursor.execute("SELECT now()")  # created_at and updated_at, as now() in the statements would give
            (self.now,) = cursor.fetchone()
            self.lookups = code_lookups()
            open_copy = None
            try:
                for chunk in self._chunks():
                    # The previous chunk's COPY stayed open while this one was checked, so PostgreSQL wrote
                    # those rows while Python read these; it is closed (and its outcome known) only now.
                    self.mark("read and checked")
                    if open_copy is not None:
                        self._finish(cursor.cursor, *open_copy)
                    open_copy = self._start(cursor.cursor, chunk)  # the psycopg 3 cursor: COPY FROM STDIN
                    self.mark("written")
            except BaseException:
                if open_copy is not None:  # abort the COPY still open (a file unreadable half-way), so the
                    open_copy[0].__exit__(*sys.exc_info())  # transaction can roll back on a usable connection
                raise
            if open_copy is not None:
                self._finish(cursor.cursor, *open_copy)
                self.mark("written")
            self.result.created = len(self.copied)
            if self.again:
                self._upsert_again(cursor)
            self.mark("upsert")
            if self.days:
                rollup_rebuild(date_from=min(self.days), date_to=max(self.days))
            self.mark("rollup")
        self.result.rejected.sort(key=lambda item: item[0])
        return self.result

    def _chunks(self) -> Iterator[_Chunk]:
        """The file's accepted rows by chunk, each in COPY_COLUMNS order; a row whose enterprise is not stored yet
        carries its tax code in the enterprise's place until the chunk's new enterprises are (see _start)."""
        reader = csv.reader(self.handle)
        header = next(reader, None) or []
        _check_header(header)
        index = [header.index(name) for name in DECLARATION_FIELDS]
        in_order = index == list(range(len(DECLARATION_FIELDS)))  # the usual header: no per-row reordering
        tax_codes, resolve, rejected = self.tax_codes, self.lookups.resolve, self.result.rejected
        zone, now, days, enterprises, seen = self.zone, self.now, self.days, self.enterprises, self.seen
        # Feeds repeat the same few thousand (branch, team, official) codes: each triple resolves once per import.
        resolved: dict[tuple[str, str, str], tuple[int, int, int] | dict] = {}
        latest = not_after()
        chunk = _Chunk()
        for line, fields in enumerate(reader, start=2):
            if not line & 1023:
                self._pump()
            if not in_order or len(fields) != 7:
                fields = [fields[i] if i < len(fields) else "" for i in index]
            row, errors = clean_declaration_values(fields, tax_codes, latest=latest)
            if row is None:
                rejected.append((line, errors))
                continue
            codes = (row.branch_code, row.team_code, row.official_code)
            ids = resolved.get(codes)
            if ids is None:
                ids = resolved[codes] = resolve(row)
            if ids.__class__ is dict:
                rejected.append((line, ids))
                continue
            cleared_at, cleared_on = row.cleared_at, None
            if cleared_at is not None:
                cleared_on = cleared_at.astimezone(zone).date()
                days.add(cleared_on)
            number, enterprise = row.number, enterprises.get(row.tax_code)
            record = [
                number,
                row.tax_code if enterprise is None else enterprise,
                *ids,
                row.registered_at,
                cleared_at,
                cleared_on,
                now,
                now,
            ]
            if enterprise is None:
                chunk.unresolved.append(record)
            if number in seen:  # a number the file gave before: applied by the upsert, the last row winning
                self.repeated.add(number)
                chunk.again.append((line, record))
            else:
                seen.add(number)
                chunk.lines.append(line)
                chunk.records.append(record)
            if len(chunk.lines) + len(chunk.again) >= _CHUNK:
                yield chunk
                chunk = _Chunk()
        if chunk.lines or chunk.again:
            yield chunk

    def _start(self, cursor, chunk: _Chunk) -> tuple[ExitStack, _Chunk]:
        """Store the chunk's new enterprises, then open the COPY of its rows into the table inside a savepoint
        (libpq sends the rows as the socket takes them while the caller goes on; see _pump)."""
        from psycopg.copy import LibpqWriter

        if chunk.unresolved:
            enterprises = self.enterprises
            enterprises.update(ensure_enterprises({record[1] for record in chunk.unresolved} - enterprises.keys()))
            for record in chunk.unresolved:
                record[1] = enterprises[record[1]]
        table = Declaration._meta.db_table
        stack = ExitStack()
        if chunk.records:
            cursor.execute(f"SAVEPOINT {_SAVEPOINT}")
            copy = stack.enter_context(
                cursor.copy(
                    f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)",
                    # No writer thread: it needed the GIL for every 32 kB block, which the checking thread held.
                    writer=LibpqWriter(cursor),
                )
            )
            copy.set_types(list(COPY_COLUMNS.values()))
            for record in chunk.records:
                copy.write_row(record)
        self.progress(len(chunk.lines) + len(chunk.again))
        return stack, chunk

    def _pump(self) -> None:
        """Hand the server more of the open COPY's rows if libpq still holds some (the socket was full when they
        were written): a non-blocking flush, so the server is never left idle while the next chunk is checked."""
        connection.connection.pgconn.flush()

    def _finish(self, cursor, stack: ExitStack, chunk: _Chunk) -> None:
        """Close a chunk's COPY. Should one of its numbers be stored already (a re-import, an update, or the API
        meanwhile), the chunk is rolled back to its savepoint and goes through the upsert with the chunk's
        other rows: no query per chunk looks for stored numbers first, so a first import pays nothing for
        updates it does not have."""
        import psycopg

        again = [(line, *record[:8]) for line, record in chunk.again]
        if chunk.records:
            try:
                stack.close()
                cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
                self.copied.update(record[0] for record in chunk.records)
            except psycopg.errors.UniqueViolation:
                cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
                again += [(line, *record[:8]) for line, record in zip(chunk.lines, chunk.records, strict=True)]
        if again:
            again.sort()
            self._copy(cursor, _TEMP, None, _AGAIN_TYPES, again)
            self.again += len(again)

    @staticmethod
    def _copy(cursor, table: str, columns: list[str] | None, types: list[str], rows: Iterable[tuple]) -> None:
        names = f" ({', '.join(columns)})" if columns else ""
        with cursor.copy(f"COPY {table}{names} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    def _upsert_again(self, cursor) -> None:
        """Apply the temporary table's rows, the last of each number, and count what they created and updated."""
        table = Declaration._meta.db_table
        cursor.execute(
            f"SELECT min(x.cleared_on), max(x.cleared_on) FROM {table} x "  # noqa: S608 - fixed names
            f"WHERE x.number IN (SELECT number FROM {_TEMP})"
        )
        self.days.update(day for day in cursor.fetchone() if day is not None)  # the days updated rows leave
        updates = ", ".join(f"{column} = excluded.{column}" for column in [*_WRITTEN[1:], "updated_at"])
        cursor.execute(
            f"WITH upserted AS ("  # noqa: S608 - fixed names
            f"INSERT INTO {table} ({', '.join(_WRITTEN)}, created_at, updated_at) "
            f"SELECT DISTINCT ON (number) {', '.join(_WRITTEN)}, now(), now() FROM {_TEMP} "
            "ORDER BY number, line DESC "
            f"ON CONFLICT (number) DO UPDATE SET {updates} "
            "RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted"
        )
        created, updated = cursor.fetchone()
        self.result.created += created
        # A number the COPY wrote that a later row of the file updated counts once, as created.
        self.result.updated = updated - len(self.repeated & self.copied)
