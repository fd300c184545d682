"""One row-cleaning for every way declarations arrive (API batches, the CSV import on any database), so
each path accepts the same rows and refuses the others with the same translated messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customs_feedback.validators import CLOCK_SKEW, DECLARATION_NUMBER, normalize_tax_code, validate_not_future

DECLARATION_FIELDS = ("number", "tax_code", "branch_code", "team_code", "official_code", "registered_at", "cleared_at")
Errors = dict[str, list[str]]


@dataclass(slots=True)
class CleanDeclaration:
    number: str
    tax_code: str
    branch_code: str
    team_code: str
    official_code: str
    registered_at: datetime
    cleared_at: datetime | None


@lru_cache(maxsize=65536)
def _normalized_tax_code(raw: str) -> str | ValidationError:
    """The stored form of a tax code, or the error saying why it is invalid (feeds repeat the same codes)."""
    try:
        return normalize_tax_code(raw)
    except ValidationError as error:
        return error


def _fast_moment(value: str) -> datetime | None:
    """The common full form (date, time to the minute at least) several times faster than parse_datetime's
    regex; anything else is left to parse_datetime, so both accept exactly what parse_datetime accepts."""
    if len(value) < 16 or value[4] != "-" or value[10] not in "T ":
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def not_after() -> datetime:
    """The latest moment a row may carry now; pass it once per batch as `latest` to clean_declaration_values."""
    return timezone.now() + CLOCK_SKEW


def _parse_moment(value: Any, errors: Errors, name: str, *, required: bool, latest: datetime | None) -> datetime | None:
    if value.__class__ is str:
        value = value.strip()
    if value is None or value == "":
        if required:
            errors[name] = [_("This field is required.")]
        return None
    moment = None
    if isinstance(value, str):
        try:
            moment = _fast_moment(value) or parse_datetime(value)
        except ValueError:  # well formed but impossible, such as 2020-02-30
            moment = None
    if moment is None:
        errors[name] = [_("Use an ISO 8601 date and time, for example 2020-05-04T08:30:00+07:00.")]
        return None
    if moment.utcoffset() is None:  # timezone.is_naive
        moment = timezone.make_aware(moment)
    # A bound taken earlier in the batch is never later than the clock now, so a moment under it has passed;
    # only a moment above it is checked against the clock itself (and gets the validator's message).
    if latest is None or moment > latest:
        try:
            validate_not_future(moment)
        except ValidationError as error:
            errors[name] = list(error.messages)
            return None
    return moment


def _text(value: Any) -> str:
    return value.strip() if value.__class__ is str else str(value if value is not None else "").strip()


def clean_declaration_values(
    values: Sequence[Any], tax_codes: dict[str, str | ValidationError], *, latest: datetime | None = None
) -> tuple[CleanDeclaration | None, Errors]:
    """Check one row's own fields, given in DECLARATION_FIELDS order (no database).

    `tax_codes` caches normalised codes across a batch, `latest` is the batch's not_after() (saves reading
    the clock per row). Returns the clean row, or the errors by field. Called once per row of every feed:
    the usual row is accepted by `_clean_plain` without building anything it does not return; every row
    it does not accept goes through `_clean_full`, the rules in full, which decides and gives the messages.
    """
    row = _clean_plain(values, tax_codes, latest)
    if row is not None:
        return row, {}
    return _clean_full(values, tax_codes, latest=latest)


_fromisoformat = datetime.fromisoformat


def _clean_plain(
    values: Sequence[Any], tax_codes: dict[str, str | ValidationError], latest: datetime | None
) -> CleanDeclaration | None:
    """The row as _clean_full would return it when it is a row every feed sends (text fields without
    surrounding spaces, a known-good tax code, both moments in full ISO form with an offset, in order and
    at or before `latest`); None for any other row, which is then _clean_full's to decide.

    It only accepts, never refuses, and each of its tests is one _clean_full makes too, so it cannot accept
    a row _clean_full would refuse or change one it would store differently (tests/ratings check the two
    agree on random and hand-picked rows).
    """
    if latest is None:
        return None
    try:
        number, raw_tax_code, branch_code, team_code, official_code, registered, cleared = values
        if cleared is None:
            cleared = ""
        if not _plain_texts(number, branch_code, team_code, official_code, registered, cleared):
            return None
        tax_code = tax_codes.get(raw_tax_code)
        if tax_code is None and raw_tax_code.strip() == raw_tax_code:
            tax_code = tax_codes[raw_tax_code] = _normalized_tax_code(raw_tax_code)
        moments = _plain_moments(registered, cleared, latest)
    except (TypeError, ValueError, AttributeError):  # not seven strings, or not a moment in full ISO form
        return None
    if tax_code.__class__ is not str or moments is None:
        return None
    return CleanDeclaration(number, tax_code, branch_code, team_code, official_code, *moments)


def _plain_texts(
    number: str, branch_code: str, team_code: str, official_code: str, registered: str, cleared: str
) -> bool:
    """A valid number, the codes given, no text with surrounding spaces, the registration in the full ISO form."""
    return (
        len(number) == 12
        and DECLARATION_NUMBER.match(number) is not None
        and bool(branch_code and team_code and official_code)
        and branch_code.strip() == branch_code
        and team_code.strip() == team_code
        and official_code.strip() == official_code
        and registered.strip() == registered
        and cleared.strip() == cleared
        and len(registered) >= 16
        and registered[4] == "-"
        and registered[10] in "T "
    )


def _plain_moments(registered: str, cleared: str, latest: datetime) -> tuple[datetime, datetime | None] | None:
    """Both moments with their offsets, in order and at or before `latest`; None when either is anything else."""
    registered_at = _fromisoformat(registered)
    if registered_at.tzinfo is None or registered_at > latest:
        return None
    if cleared == "":
        return registered_at, None
    if len(cleared) < 16 or cleared[4] != "-" or cleared[10] not in "T ":
        return None
    cleared_at = _fromisoformat(cleared)
    if cleared_at.tzinfo is None or cleared_at > latest or cleared_at < registered_at:
        return None
    return registered_at, cleared_at


def _clean_full(
    values: Sequence[Any], tax_codes: dict[str, str | ValidationError], *, latest: datetime | None
) -> tuple[CleanDeclaration | None, Errors]:
    """Every rule, with its message: the one judge of a row (_clean_plain only takes the usual row faster)."""
    number, raw_tax_code, branch_code, team_code, official_code = [
        value.strip() if value.__class__ is str else _text(value) for value in values[:5]
    ]
    registered, cleared = values[5:7]
    errors: Errors = {}
    if not DECLARATION_NUMBER.match(number):
        errors["number"] = [_("A customs declaration number has exactly 12 digits.")]
    tax_code = tax_codes.get(raw_tax_code)
    if tax_code is None:
        tax_code = tax_codes[raw_tax_code] = _normalized_tax_code(raw_tax_code)
    if isinstance(tax_code, ValidationError):
        errors["tax_code"] = list(tax_code.messages)
    if not branch_code:
        errors["branch_code"] = [_("This field is required.")]
    if not team_code:
        errors["team_code"] = [_("This field is required.")]
    if not official_code:
        errors["official_code"] = [_("This field is required.")]
    registered_at = _parse_moment(registered, errors, "registered_at", required=True, latest=latest)
    cleared_at = _parse_moment(cleared, errors, "cleared_at", required=False, latest=latest)
    if registered_at and cleared_at and cleared_at < registered_at:
        errors["cleared_at"] = [_("A declaration cannot be cleared before it was registered.")]
    if errors or registered_at is None or isinstance(tax_code, ValidationError):
        return None, errors
    return CleanDeclaration(number, tax_code, branch_code, team_code, official_code, registered_at, cleared_at), {}


def clean_declaration_row(
    raw: Any, tax_codes: dict[str, str | ValidationError], *, latest: datetime | None = None
) -> tuple[CleanDeclaration | None, Errors]:
    """clean_declaration_values for one JSON object (or CSV row as a dict) with the API's field names."""
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Each declaration must be a JSON object.")]}
    return clean_declaration_values([raw.get(name) for name in DECLARATION_FIELDS], tax_codes, latest=latest)


def code_errors(
    branch_code: str,
    team_code: str,
    official_code: str,
    *,
    branch_known: bool,
    team_known: bool,
    official_known: bool,
    official_in_branch: bool,
) -> Errors:
    """Why a row's branch, team or official code does not resolve (the same words for the API and the import)."""
    errors: Errors = {}
    if not branch_known:
        errors["branch_code"] = [_("Unknown branch code %(code)s.") % {"code": branch_code}]
    elif not team_known:
        errors["team_code"] = [
            _("Unknown team code %(code)s in branch %(branch)s.") % {"code": team_code, "branch": branch_code}
        ]
    if not official_known:
        errors["official_code"] = [_("Unknown official code %(code)s.") % {"code": official_code}]
    elif branch_known and not official_in_branch:
        errors["official_code"] = [
            _("Official %(code)s does not belong to branch %(branch)s.")
            % {"code": official_code, "branch": branch_code}
        ]
    return errors


@dataclass
class CodeLookups:
    """The organisation's codes as ids, for resolving rows without a query each: {branch code: id},
    {(branch id, team code): id}, {official code: (id, branch id)}."""

    branches: dict[str, int]
    teams: dict[tuple[int, str], int]
    officials: dict[str, tuple[int, int]]

    def resolve(self, row: CleanDeclaration) -> tuple[int, int, int] | Errors:
        """(branch id, team id, official id), or why a code does not resolve (the same words on every path)."""
        return self.resolve_codes(row.branch_code, row.team_code, row.official_code)

    def resolve_codes(self, branch_code: str, team_code: str, official_code: str) -> tuple[int, int, int] | Errors:
        branch_id = self.branches.get(branch_code)
        team_id = self.teams.get((branch_id, team_code)) if branch_id is not None else None
        official = self.officials.get(official_code)
        if branch_id is not None and team_id is not None and official is not None and official[1] == branch_id:
            return branch_id, team_id, official[0]
        return code_errors(
            branch_code,
            team_code,
            official_code,
            branch_known=branch_id is not None,
            team_known=team_id is not None,
            official_known=official is not None,
            official_in_branch=official is not None and official[1] == branch_id,
        )
