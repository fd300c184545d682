"""Backfill of declarations from CSV: rows checked in Python and written by binary COPY on PostgreSQL (new
numbers straight into the table, updates through a temporary table and one set-based upsert), chunks
through the batch service elsewhere. Backfills send no invitations (the declarations are history)."""

from __future__ import annotations

import gc
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from itertools import compress, count, repeat
from operator import is_, methodcaller
from pathlib import Path
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from ratings.csv_reading import csv_blocks, csv_rows
from ratings.models import Declaration
from ratings.rollups import rollup_rebuild
from ratings.services.declaration_columns import CleanColumns, clean_declaration_columns
from ratings.services.declaration_rows import not_after
from ratings.services.declarations import code_lookups, declarations_upsert
from ratings.services.declarations_bulk import ensure_enterprises

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (line number in the file, errors)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (PostgreSQL path)


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

    for line, row in csv_rows(handle):
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


_DAY = methodcaller("date")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _local_days(moments: list[datetime | None], zone: tzinfo) -> list[date | None]:
    """The local day of each moment (None stays None)."""
    nones = list(compress(count(), map(is_, moments, repeat(None)))) if None in moments else []
    if nones:
        moments = moments.copy()
        for i in nones:
            moments[i] = _EPOCH
    days = list(map(_DAY, map(methodcaller("astimezone", zone), moments)))
    for i in nones:
        days[i] = None
    return days


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
    """Rows of the file on their way to the table, by column: those COPY writes (with their lines), and
    those repeating a number the file gave before as (line, *row). A row carries its tax code until the
    chunk's new enterprises are stored (see _start)."""

    lines: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    tax_codes: list[str] = field(default_factory=list)
    branch_ids: list[int] = field(default_factory=list)
    team_ids: list[int] = field(default_factory=list)
    official_ids: list[int] = field(default_factory=list)
    registered_at: list[datetime] = field(default_factory=list)
    cleared_at: list[datetime | None] = field(default_factory=list)
    cleared_on: list[date | None] = field(default_factory=list)
    again: list[tuple] = field(default_factory=list)

    def columns(self) -> list[list]:
        return [self.numbers, self.tax_codes, self.branch_ids, self.team_ids, self.official_ids,
                self.registered_at, self.cleared_at, self.cleared_on]  # fmt: skip

    def __len__(self) -> int:
        return len(self.lines) + len(self.again)


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
        """The file's accepted rows by chunk, cleaned block by block (clean_declaration_columns), their codes
        resolved, their clearance's local day computed, and those repeating a number set apart."""
        # Feeds repeat the same few thousand (branch, team, official) codes: each triple resolves once per import.
        resolved: dict[tuple[str, str, str], tuple[int, int, int] | dict] = {}
        latest = not_after()
        chunk = _Chunk()
        for first_line, columns in csv_blocks(self.handle):
            self._pump()
            clean, refused = clean_declaration_columns(columns, self.tax_codes, latest=latest)
            self.result.rejected.extend((first_line + index, errors) for index, errors in refused)
            lines, ids = self._resolved_codes(clean, first_line, resolved)
            cleared_on = _local_days(clean.cleared_at, self.zone)
            self.days.update(cleared_on)
            self.days.discard(None)
            branch_ids, team_ids, official_ids = map(list, zip(*ids, strict=True)) if ids else ([], [], [])
            block = [clean.number, clean.tax_code, branch_ids, team_ids, official_ids,
                     clean.registered_at, clean.cleared_at, cleared_on]  # fmt: skip
            self._add_block(chunk, lines, block)
            if len(chunk) >= _CHUNK:
                yield chunk
                chunk = _Chunk()
        if len(chunk):
            yield chunk

    def _resolved_codes(
        self, clean: CleanColumns, first_line: int, resolved: dict[tuple[str, str, str], tuple[int, int, int] | dict]
    ) -> tuple[list[int], list]:
        """The block's line numbers and (branch, team, official) ids; rows whose codes do not resolve are refused
        (their errors kept) and taken out of `clean`'s columns."""
        triples = list(zip(clean.branch_code, clean.team_code, clean.official_code, strict=True))
        ids = list(map(resolved.get, triples))
        if None in ids:
            for index in [index for index, found in enumerate(ids) if found is None]:
                triple = triples[index]
                found = resolved.get(triple)
                ids[index] = resolved[triple] = found if found is not None else self.lookups.resolve_codes(*triple)
        lines = [first_line + index for index in clean.indices]
        if set(map(type, ids)) != {tuple}:  # codes that do not resolve: each of their rows refused
            unknown = [index for index, found in enumerate(ids) if found.__class__ is dict]
            self.result.rejected.extend((lines[index], ids[index]) for index in unknown)
            rows = [clean.number, clean.tax_code, clean.registered_at, clean.cleared_at]
            for index in reversed(unknown):
                for column in (lines, ids, *rows):
                    del column[index]
        return lines, ids

    def _add_block(self, chunk: _Chunk, lines: list[int], block: list[list]) -> None:
        """Add a block's rows to the chunk; a row repeating a number the file gave before is set apart, applied
        by the upsert afterwards (the last row winning)."""
        numbers, seen = block[0], self.seen
        if seen.isdisjoint(numbers) and len(set(numbers)) == len(numbers):
            seen.update(numbers)
            chunk.lines += lines
            for into, column in zip(chunk.columns(), block, strict=True):
                into += column
            return
        for line, *row in zip(lines, *block, strict=True):
            number = row[0]
            if number in seen:
                self.repeated.add(number)
                chunk.again.append((line, *row))
            else:
                seen.add(number)
                chunk.lines.append(line)
                for into, value in zip(chunk.columns(), row, strict=True):
                    into.append(value)

    def _start(self, cursor, chunk: _Chunk) -> tuple[ExitStack, _Chunk]:
        """Store the chunk's new enterprises, then open the COPY of its rows into the table inside a savepoint
        (libpq sends the rows as the socket takes them while the caller goes on; see _pump)."""
        from psycopg.copy import LibpqWriter

        enterprises = self.enterprises
        new = set(chunk.tax_codes).union(row[2] for row in chunk.again) - enterprises.keys()
        if new:
            enterprises.update(ensure_enterprises(new))
        chunk.tax_codes[:] = map(enterprises.__getitem__, chunk.tax_codes)  # now the enterprises' ids
        chunk.again[:] = [(line, number, enterprises[code], *rest) for line, number, code, *rest in chunk.again]
        table = Declaration._meta.db_table
        stack = ExitStack()
        if chunk.lines:
            cursor.execute(f"SAVEPOINT {_SAVEPOINT}")
            copy = stack.enter_context(
                cursor.copy(
                    f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)",
                    # No writer thread: it needed the GIL for every 32 kB block, which the checking thread held.
                    writer=LibpqWriter(cursor),
                )
            )
            copy.set_types(list(COPY_COLUMNS.values()))
            now = repeat(self.now)
            deque(map(copy.write_row, zip(*chunk.columns(), now, now, strict=False)), maxlen=0)
        self.progress(len(chunk))
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

        again = chunk.again
        if chunk.lines:
            try:
                stack.close()
                cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
                self.copied.update(chunk.numbers)
            except psycopg.errors.UniqueViolation:
                cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
                again += zip(chunk.lines, *chunk.columns(), strict=True)
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
