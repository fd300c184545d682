"""The shared row-cleaning's quick acceptance of the usual row gives exactly what the full rules give."""

from __future__ import annotations

import random
import unicodedata
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from ratings.services.declaration_rows import _clean_full, _clean_plain, clean_declaration_values, not_after
from tests.factories import valid_tax_code

PLAIN = ["107000000001", valid_tax_code(1), "03CC", "TTHQ", "03CC-TTHQ-01"]
REGISTERED, CLEARED = "2026-10-01T08:00:00+07:00", "2026-10-01T15:00:00+07:00"


def plain_row(**changes) -> list:
    row = dict(zip(["number", "tax", "branch", "team", "official"], PLAIN, strict=True))
    row.update(registered=REGISTERED, cleared=CLEARED)
    row.update(changes)
    return list(row.values())


def outcome(result):
    """A cleaning result with each moment's offset too (datetimes compare equal across offsets)."""
    row, errors = result
    if row is None:
        return None, errors
    offsets = [moment.utcoffset() if moment else None for moment in (row.registered_at, row.cleared_at)]
    return (row.number, row.tax_code, row.branch_code, row.team_code, row.official_code,
            row.registered_at, row.cleared_at, *offsets), errors  # fmt: skip


def assert_same_as_full_rules(values, latest) -> bool:
    """clean_declaration_values(values) is what _clean_full gives; returns whether _clean_plain took the row."""
    taken = _clean_plain(list(values), {}, latest) is not None
    assert outcome(clean_declaration_values(list(values), {}, latest=latest)) == outcome(
        _clean_full(list(values), {}, latest=latest)
    ), values
    return taken


def test_the_usual_row_is_taken_by_the_plain_check_and_equals_the_full_rules():
    latest = not_after()

    for row in [plain_row(), plain_row(cleared=""), plain_row(cleared=None), plain_row(registered=CLEARED)]:
        assert assert_same_as_full_rules(row, latest)


@pytest.mark.parametrize(
    "changes",
    [
        {"number": " 107000000001"},
        {"number": "107000000001\n"},
        {"number": "10700000000"},
        {"number": "１０７０００００００01"},
        {"number": 107000000001},
        {"tax": f" {valid_tax_code(1)}\t"},
        {"tax": "0100233487"},  # wrong check digit
        {"tax": "0100233488-001"},
        {"tax": "0100 233 488"},
        {"tax": None},
        {"branch": "03CC\u00a0"},
        {"branch": ""},
        {"team": unicodedata.normalize("NFD", "Đội Hải")},
        {"official": None},
        {"official": 7},
        {"registered": "2026-10-01"},
        {"registered": "2026-10-01T08:00"},
        {"registered": "2026-10-01T08:00:00"},  # naive: made aware in the default zone
        {"registered": "2026-10-01 08:00:00Z"},
        {"registered": "2026-10-01T08:00:00.123456+07:00"},
        {"registered": "2026-02-30T08:00:00+07:00"},
        {"registered": "2026-W40-4T08:00:00+07:00"},
        {"registered": "01/10/2026 08:00"},
        {"registered": " 2026-10-01T08:00:00+07:00"},
        {"registered": ""},
        {"registered": None},
        {"registered": 1790000000},
        {"cleared": "2026-10-01T07:59:59+07:00"},  # before the registration
        {"cleared": "2026-10-01T08:00:00+07:00"},  # at it
        {"cleared": "2026-10-01T01:00:00Z"},  # the same instant in another offset
        {"cleared": "  "},
        {"cleared": "2026-10-01T15:00:00+0700"},
        {"cleared": "2026-10-01T15:00:00+07"},
    ],
)
def test_a_row_off_the_usual_shape_is_cleaned_as_the_full_rules_clean_it(changes):
    with translation.override("vi"):
        assert_same_as_full_rules(plain_row(**changes), not_after())


def test_moments_around_now_are_judged_by_the_bound_as_the_full_rules_judge_them():
    latest = not_after()
    now = timezone.now()
    for offset in [timedelta(minutes=-1), timedelta(minutes=4), timedelta(minutes=6), timedelta(days=1)]:
        moment = (now + offset).isoformat()
        assert_same_as_full_rules(plain_row(registered=moment, cleared=""), latest)
        assert_same_as_full_rules(plain_row(cleared=moment), latest)


def test_an_extra_value_is_left_to_the_full_rules():
    latest = not_after()

    assert not assert_same_as_full_rules([*plain_row(), "extra"], latest)


def test_without_a_bound_every_row_takes_the_full_rules():
    assert _clean_plain(plain_row(), {}, None) is None


# What feeds get wrong, one edit at a time; a random row gets up to three of them.
SPACES = [" ", "\t", "\n", "\u00a0", "\u3000", "\r\n"]
NUMBERS = ["1" * 11, "1" * 13, "10700000000x", "١" * 12, "１" * 12, "107000000001\n"]
TAX_CODES = ["0100233488-001", "0100233487", "01002334880", "０１００２３３４８８", "0100233488 "]
TEXTS = ["Hải Phòng Đội 1", "Chi cục 03CC", "ĐỘI", "03CC"]


def edit_row(row: list, rnd: random.Random) -> None:
    index = rnd.randrange(7)
    match rnd.randrange(7):
        case 0:
            row[index] = rnd.choice(SPACES) + str(row[index])
        case 1:
            row[index] = str(row[index]) + rnd.choice(SPACES)
        case 2:
            row[index] = rnd.choice(["", None, 0, "   "])
        case 3:
            row[0] = rnd.choice([*NUMBERS, f"{rnd.randrange(10**12):012d}"])
        case 4:
            row[1] = rnd.choice([*TAX_CODES, valid_tax_code(rnd.randrange(50))])
        case 5:
            row[rnd.choice([2, 3, 4])] = unicodedata.normalize(rnd.choice(["NFC", "NFD"]), rnd.choice(TEXTS))
        case _:
            row[rnd.choice([5, 6])] = moment_text(rnd)


def moment_text(rnd: random.Random) -> str:
    """A moment as feeds write it: ISO in its many forms, some of them not ISO, some impossible, some ahead."""
    now = timezone.now()
    moment = now + timedelta(
        minutes=rnd.choice([-(10**6), -5000, -60, -1, 3, 4, 6, 60, 10**5]), seconds=rnd.randrange(60)
    )
    moment = moment.astimezone(timezone.get_fixed_timezone(rnd.choice([0, 7 * 60, -5 * 60, 330])))
    text = rnd.choice([
        moment.isoformat(), moment.isoformat(" "), moment.isoformat(timespec="minutes"),
        moment.isoformat(timespec="microseconds"), moment.replace(tzinfo=None).isoformat(),
        moment.date().isoformat(), moment.strftime("%d/%m/%Y %H:%M"), moment.isoformat().replace("+00:00", "Z"),
        moment.strftime("%Y-%m-%dT%H:%M:%S%z"), "2026-02-30T08:00:00+07:00", "2026-13-01T08:00:00+07:00",
    ])  # fmt: skip
    return text


def test_random_rows_are_cleaned_as_the_full_rules_clean_them():
    rnd = random.Random(15)
    latest = not_after()
    taken = 0
    for _ in range(4000):
        registered = rnd.choice([REGISTERED, moment_text(rnd)])
        row = plain_row(registered=registered, cleared=rnd.choice([CLEARED, "", moment_text(rnd)]))
        for _edit in range(rnd.choice([0, 0, 1, 1, 2, 3])):
            edit_row(row, rnd)
        taken += assert_same_as_full_rules(row, latest)
    # Both sides of the comparison were exercised: plenty of rows taken quickly, plenty left to the full rules.
    assert 800 < taken < 3200
