"""The import's column-by-column cleaning and reading give exactly what the row-by-row ones give."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC

from django.utils import translation

from ratings.csv_reading import csv_blocks
from ratings.services.declaration_columns import clean_declaration_columns
from ratings.services.declaration_rows import DECLARATION_FIELDS, clean_declaration_values, not_after
from tests.ratings.test_declaration_rows import CLEARED, REGISTERED, SPACES, edit_row, moment_text, plain_row


def moments_of(row):
    """A cleaned row's values, each moment as its instant in UTC (the column cleaning gives them in UTC; datetimes
    compare equal across offsets, so the tuple's second member makes the test see a moment in another offset)."""
    return [(value, value.astimezone(UTC).isoformat()) if hasattr(value, "utcoffset") else value for value in row]


def row_by_row(rows, latest):
    tax_codes = {}
    accepted, refused = [], []
    for index, values in enumerate(rows):
        row, errors = clean_declaration_values(list(values), tax_codes, latest=latest)
        if row is None:
            refused.append((index, errors))
        else:
            accepted.append((index, [row.number, row.tax_code, row.branch_code, row.team_code, row.official_code,
                                     row.registered_at, row.cleared_at]))  # fmt: skip
    return accepted, refused


def by_columns(rows, latest):
    columns = [[row[k] for row in rows] for k in range(7)]
    clean, refused = clean_declaration_columns(columns, {}, latest=latest)
    values = [clean.number, clean.tax_code, clean.branch_code, clean.team_code, clean.official_code,
              clean.registered_at, clean.cleared_at]  # fmt: skip
    return [(index, [column[k] for column in values]) for k, index in enumerate(clean.indices)], refused


def assert_same(rows, latest):
    expected_accepted, expected_refused = row_by_row(rows, latest)
    accepted, refused = by_columns(rows, latest)
    assert [(i, moments_of(row)) for i, row in accepted] == [(i, moments_of(row)) for i, row in expected_accepted]
    assert refused == expected_refused
    return len(accepted)


def random_rows(rnd: random.Random, count: int) -> list[list[str]]:
    rows = []
    for _ in range(count):
        row = plain_row(registered=rnd.choice([REGISTERED, moment_text(rnd)]),
                        cleared=rnd.choice([CLEARED, "", moment_text(rnd)]))  # fmt: skip
        for _edit in range(rnd.choice([0, 0, 0, 1, 1, 2, 3])):
            edit_row(row, rnd)
        # A CSV gives strings only: what the row edits put as None or a number is read as a CSV would read it.
        rows.append(["" if value is None else str(value) for value in row])
    return rows


def test_random_blocks_are_cleaned_as_row_by_row_cleaning_cleans_them():
    rnd = random.Random(1515)
    latest = not_after()
    accepted = 0
    with translation.override("vi"):
        for size in [1, 2, 7, 50, 400, 1000]:
            for _block in range(4):
                accepted += assert_same(random_rows(rnd, size), latest)
    assert 1500 < accepted < 5000  # both sides exercised: most rows accepted, many refused


def test_blocks_of_only_good_rows_or_only_bad_ones():
    latest = not_after()
    good = [plain_row(cleared=rnd_cleared) for rnd_cleared in [CLEARED, "", CLEARED]]
    assert assert_same(good, latest) == 3
    bad = [
        plain_row(number="12345"),
        plain_row(registered="01/10/2026"),
        plain_row(cleared="2026-09-30T08:00:00+07:00"),
    ]
    assert assert_same(bad, latest) == 0
    assert assert_same([], latest) == 0


def test_each_rule_alone_sends_its_row_to_the_row_by_row_cleaning():
    latest = not_after()
    ahead = (latest.replace(microsecond=0) + (latest - latest.replace(year=latest.year - 1))).isoformat()
    changes = [{"number": "10700000000١"}, {"number": "107000000001 "}, {"tax": "0100233487"}, {"tax": "0100233488 "},
               {"branch": ""}, {"team": " TTHQ"}, {"official": "03CC-TTHQ-01\u3000"}, {"registered": ""},
               {"registered": "2026-10-01T08:00:00"}, {"registered": ahead}, {"cleared": ahead},
               {"cleared": "2026-10-01T07:59:59+07:00"}, {"cleared": "2026-10-01T00:59:59Z"},
               {"cleared": "2026-10-01T01:00:00Z"}, {"registered": " " + REGISTERED}, {"cleared": "   "},
               {"registered": "20261001T080000+0700"}, {"cleared": "2026-02-30T08:00:00+07:00"}]  # fmt: skip
    for change in changes:
        rows = [plain_row(number=f"1070000000{k:02d}") for k in range(5)]
        rows[2] = plain_row(**change) if "number" in change else plain_row(number="107000000099", **change)
        assert_same(rows, latest)
    for space in SPACES:
        assert_same([plain_row(), plain_row(cleared=CLEARED + space), plain_row()], latest)


def read_by_csv(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    index = [header.index(name) for name in DECLARATION_FIELDS]
    return [(line, [fields[i] if i < len(fields) else "" for i in index]) for line, fields in enumerate(reader, 2)]


def read_by_blocks(text: str, monkeypatch, block_bytes: int) -> list[tuple[int, list[str]]]:
    from ratings import csv_reading

    monkeypatch.setattr(csv_reading, "_BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(csv_reading, "_BLOCK_ROWS", 3)
    rows = []
    for first, columns in csv_blocks(io.StringIO(text, newline="")):
        assert len(columns) == 7 and len({len(column) for column in columns}) == 1
        rows += [(first + k, list(values)) for k, values in enumerate(zip(*columns, strict=True))]
    return rows


HEADER = ",".join(DECLARATION_FIELDS)
LINE = "107000000001,0100233488,03CC,TTHQ,03CC-TTHQ-01,2026-10-01T08:00:00+07:00,2026-10-01T15:00:00+07:00"


def test_the_block_reader_reads_what_csv_reader_reads(monkeypatch):
    files = [
        HEADER + "\n" + LINE + "\n" + LINE.replace("01,", "02,", 1) + "\n",
        HEADER + "\n" + LINE,  # no line end at the end
        HEADER + "\r\n" + LINE + "\r\n" + LINE + "\r\n",  # Windows line ends
        HEADER + "\n" + LINE + "\n\n" + LINE + "\n",  # a blank line is a (refused) row of its own
        HEADER + "\n" + LINE + ",extra\n" + LINE[:60] + "\n" + LINE + "\n",  # rows of different widths
        "cleared_at,number,tax_code,branch_code,team_code,official_code,registered_at,note\n"
        "2026-10-01T15:00:00+07:00,107000000001,0100233488,03CC,TTHQ,03CC-TTHQ-01,2026-10-01T08:00:00+07:00,x\n"
        ",107000000002,0100233488,03CC,TTHQ,03CC-TTHQ-01,2026-10-01T08:00:00+07:00,y\n",  # another order
        HEADER + "\n" + LINE + "\n" + LINE.replace("03CC,TTHQ", '"03CC","TT,\nHQ"') + "\n" + LINE + "\n",  # quotes
        HEADER + "\n" + LINE + "\n" + LINE + "\r" + LINE + "\n",  # a lone carriage return ends a row for csv
        HEADER + "\n" + (LINE + "\n") * 40 + LINE.replace("TTHQ", "TT\0HQ") + "\n",  # NUL: csv's own error
    ]
    for text in files:
        for block_bytes in [1, 50, 120, 1 << 17]:
            try:
                expected = read_by_csv(text)
            except csv.Error:
                try:
                    read_by_blocks(text, monkeypatch, block_bytes)
                except csv.Error:
                    continue
                raise AssertionError("the block reader read a file csv.reader refuses") from None
            assert read_by_blocks(text, monkeypatch, block_bytes) == expected, (text, block_bytes)
