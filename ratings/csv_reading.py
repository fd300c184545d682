"""Reading a declarations CSV for the import: the header check, the file row by row (the portable path) or as
blocks of columns (the PostgreSQL path, whose checks run a column at a time)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from itertools import chain, islice, repeat
from typing import TextIO

from ratings.services.declaration_rows import DECLARATION_FIELDS


class ImportFormatError(ValueError):
    """The file is not a declarations CSV (its header lacks a column): nothing of it is imported."""


def check_header(header: Sequence[str] | None) -> None:
    """Refuse a file whose header lacks one of DECLARATION_FIELDS."""
    missing = set(DECLARATION_FIELDS) - set(header or [])
    if missing:
        raise ImportFormatError(f"the CSV header lacks the columns: {', '.join(sorted(missing))}")


def csv_rows(handle: TextIO) -> Iterator[tuple[int, dict]]:
    """The file after its header as (line number, row by column name)."""
    reader = csv.DictReader(handle)
    check_header(reader.fieldnames)
    for row in reader:
        yield reader.line_num, row


# A block of the file is read at once (about 1,300 rows of a usual feed): its columns are checked together.
_BLOCK_BYTES = 128 * 1024
_BLOCK_ROWS = 1_000  # rows per block when csv.reader reads them


def csv_blocks(handle: TextIO) -> Iterator[tuple[int, list[list[str]]]]:
    """The file after its header as blocks of seven columns (DECLARATION_FIELDS order), each with its first line.

    Rows are what csv.reader gives, numbered as they were (the header is line 1), a missing value read as "".
    A block without quotes, NUL or lone carriage returns, whose lines are shorter than csv's field limit, is
    split on commas and line ends in a few C calls: there csv.reader would give the same fields. From the
    first other block on, csv.reader reads the rest of the file, as before.
    """
    reader = csv.reader(handle)
    header = next(reader, None) or []
    check_header(header)
    index = [header.index(name) for name in DECLARATION_FIELDS]
    line = 2
    limit = csv.field_size_limit()
    text = ""
    while True:
        read = handle.read(_BLOCK_BYTES)
        text += read
        end = text.rfind("\n") + 1 if read else len(text)  # whole lines, but the file's last one
        if not end:
            if read:
                continue
            return
        body, text = text[:end], text[end:]
        if "\r" in body and body.count("\r") == body.count("\r\n"):
            body = body.replace("\r\n", "\n")
        if '"' in body or "\0" in body or "\r" in body:
            break
        texts = (body[:-1] if body.endswith("\n") else body).split("\n")
        if max(map(len, texts)) >= limit:
            break
        commas = set(map(str.count, texts, repeat(",")))
        if len(commas) == 1:  # every row has the same number of values: each column is a slice
            width = commas.pop() + 1
            values = ",".join(texts).split(",")
            columns = [values[i::width] if i < width else [""] * len(texts) for i in index]
        else:
            columns = _columns([row.split(",") for row in texts], index)
        yield line, columns
        line += len(texts)
    # The block read last as it was in the file, its last line completed (csv.reader ends a row where a line it
    # is given ends), then the rest of the file.
    rows = csv.reader(chain(io.StringIO(body + text + (handle.readline() if text else ""), newline=""), handle))
    while block := list(islice(rows, _BLOCK_ROWS)):
        yield line, _columns(block, index)
        line += len(block)


def _columns(rows: list[list[str]], index: list[int]) -> list[list[str]]:
    """Rows as the columns `index` names, a value missing at the end of a row read as ""."""
    if set(map(len, rows)) != {len(DECLARATION_FIELDS)} or index != list(range(len(DECLARATION_FIELDS))):
        rows = [[fields[i] if i < len(fields) else "" for i in index] for fields in rows]
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in index]
