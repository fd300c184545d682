"""The shared row-cleaning applied to a block of CSV rows column by column, for the bulk import.

A CSV import spends most of its Python time calling functions once per row. Here each rule runs once per
column of a block (C-level `map`, `max`, list comparison), and only the rows a rule does not plainly accept
go through clean_declaration_values one by one, which decides them and gives the messages. So the block
accepts exactly the rows, with exactly the values, that clean_declaration_values accepts, and refuses the
others with its messages (tests/ratings/test_declaration_columns.py compares the two on random blocks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import compress, count, repeat
from operator import attrgetter, eq, le, methodcaller
from typing import Any, cast

from django.core.exceptions import ValidationError

from ratings.services.declaration_rows import DECLARATION_NUMBER, Errors, _normalized_tax_code, clean_declaration_values

_fromisoformat = datetime.fromisoformat
_tzinfo = attrgetter("tzinfo")
_in_utc = methodcaller("astimezone", UTC)
# Stands in for a moment a rule left to the row-by-row cleaning, so the column's other checks can run on it.
_PLACEHOLDER = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class CleanColumns:
    """The rows of a block that were accepted, column by column, with each row's index in the block. The moments
    are those clean_declaration_values gives, in UTC (see _moments)."""

    indices: list[int]
    number: list[str]
    tax_code: list[str]
    branch_code: list[str]
    team_code: list[str]
    official_code: list[str]
    registered_at: list[datetime]
    cleared_at: list[datetime | None]


def clean_declaration_columns(
    columns: Sequence[list[str]], tax_codes: dict[str, str | ValidationError], *, latest: datetime
) -> tuple[CleanColumns, list[tuple[int, Errors]]]:
    """Clean a block of rows given as seven columns of strings (DECLARATION_FIELDS order, as a CSV gives them).

    Returns the accepted rows and the refused ones as (index in the block, errors). `tax_codes` and `latest`
    are clean_declaration_values's batch cache and bound.
    """
    numbers, raw_tax_codes, branch_codes, team_codes, official_codes, registered, cleared = map(list, columns)
    suspects: set[int] = set()  # rows a rule does not plainly accept: cleaned one by one below

    if not _plain_numbers(numbers):
        suspects.update(i for i, number in enumerate(numbers) if not _plain_number(number))
    for codes in (branch_codes, team_codes, official_codes):
        if not (all(codes) and _unpadded(codes)):
            suspects.update(i for i, text in enumerate(codes) if not text or text.strip() != text)
    tax_codes_out = _tax_codes(raw_tax_codes, tax_codes, suspects)

    if not _unpadded(registered):
        suspects.update(i for i, text in enumerate(registered) if text.strip() != text)
    registered_at = _moments(registered, suspects, latest)
    cleared_at = _clearances(cleared, registered_at, suspects, latest)
    columns_out: list[list[Any]] = [numbers, tax_codes_out, branch_codes, team_codes, official_codes, registered_at,
                                    cleared_at]  # fmt: skip
    texts = [numbers, raw_tax_codes, branch_codes, team_codes, official_codes, registered, cleared]
    refused = _decide_suspects(suspects, texts, columns_out, tax_codes, latest)
    indices = list(range(len(numbers)))
    for i, _errors in reversed(refused):
        for column in (indices, *columns_out):
            del column[i]
    return CleanColumns(indices, *columns_out), refused


def _clearances(
    texts: list[str], registered_at: list[datetime], suspects: set[int], latest: datetime
) -> list[datetime | None]:
    """The clearance moments (None where the text is empty), with the rows cleared before they were
    registered made suspects."""
    if not _unpadded(texts):
        suspects.update(i for i, text in enumerate(texts) if text.strip() != text)
    empty = list(compress(count(), map(eq, texts, repeat("")))) if "" in texts else []
    if empty:
        texts = texts.copy()
        for i in empty:
            texts[i] = "1970-01-01T00:00:00+00:00"
    moments = _moments(texts, suspects, latest)
    for i in empty:
        moments[i] = registered_at[i]  # an empty clearance is never before the registration
    if not all(map(le, registered_at, moments)):
        pairs = zip(registered_at, moments, strict=True)
        suspects.update(i for i, (start, end) in enumerate(pairs) if end < start)
    cleared_at = cast(list[datetime | None], moments)
    for i in empty:
        cleared_at[i] = None
    return cleared_at


def _decide_suspects(
    suspects: set[int],
    texts: list[list[str]],
    columns_out: list[list[Any]],
    tax_codes: dict[str, str | ValidationError],
    latest: datetime,
) -> list[tuple[int, Errors]]:
    """Clean each suspect row one by one (clean_declaration_values, from its texts): an accepted row's values
    replace the block's in `columns_out`; the refused rows are returned with their errors."""
    refused: list[tuple[int, Errors]] = []
    for i in sorted(suspects):
        row, errors = clean_declaration_values([column[i] for column in texts], tax_codes, latest=latest)
        if row is None:
            refused.append((i, errors))
            continue
        values = (row.number, row.tax_code, row.branch_code, row.team_code, row.official_code, row.registered_at,
                  row.cleared_at)  # fmt: skip
        for column, value in zip(columns_out, values, strict=True):
            column[i] = value
    return refused


def _plain_number(number: str) -> bool:
    return len(number) == 12 and DECLARATION_NUMBER.match(number) is not None


def _plain_numbers(numbers: list[str]) -> bool:
    """Every number is 12 ASCII digits (DECLARATION_NUMBER): one string test for the whole column."""
    joined = "".join(numbers)
    return len(joined) == 12 * len(numbers) and joined.isascii() and joined.isdigit() and set(map(len, numbers)) <= {12}


def _unpadded(texts: list[str]) -> bool:
    """No text of the column has spaces around it (what clean_declaration_values strips)."""
    return list(map(str.strip, texts)) == texts


def _tax_codes(
    raw: list[str], tax_codes: dict[str, str | ValidationError], suspects: set[int]
) -> list[str | ValidationError | None]:
    """Each row's stored tax code, by the batch cache; rows with an invalid or padded code become suspects (and
    leave their error or None here until the row-by-row cleaning replaces or drops them)."""
    found = list(map(tax_codes.get, raw))
    if None in found:
        for i in [i for i, code in enumerate(found) if code is None]:
            code = tax_codes.get(raw[i])
            if code is None and raw[i].strip() == raw[i]:
                code = tax_codes[raw[i]] = _normalized_tax_code(raw[i])
            found[i] = code
    if set(map(type, found)) != {str}:
        suspects.update(i for i, code in enumerate(found) if code.__class__ is not str)
    return found


def _moments(texts: list[str], suspects: set[int], latest: datetime) -> list[datetime]:
    """Each text as datetime.fromisoformat reads it, which is what clean_declaration_values gives for a text it
    reads (its _fast_moment and Django's parse_datetime both try fromisoformat first), as the same instant in UTC.
    A text it cannot read, a moment without an offset or after `latest` makes its row a suspect and stands as
    _PLACEHOLDER.

    In UTC because two datetimes of different tzinfo objects (fromisoformat makes one for every text) compare
    by calling utcoffset() on each, several times slower than two of the same, and psycopg writes a moment that
    is in UTC without converting it; the import stores instants (timestamptz), never the offset they came in."""
    try:
        moments = list(map(_fromisoformat, texts))
    except ValueError:
        moments = []
        for i, text in enumerate(texts):
            try:
                moments.append(_fromisoformat(text))
            except ValueError:
                moments.append(_PLACEHOLDER)
                suspects.add(i)
    if None in map(_tzinfo, moments):
        for i, moment in enumerate(moments):
            if moment.tzinfo is None:
                moments[i] = _PLACEHOLDER
                suspects.add(i)
    moments = list(map(_in_utc, moments))
    if moments and max(moments) > latest:
        for i, moment in enumerate(moments):
            if moment > latest:
                moments[i] = _PLACEHOLDER
                suspects.add(i)
    return moments
