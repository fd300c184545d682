"""Declaration ingestion: check each row, resolve its codes for the batch, upsert and invite after commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.validators import DECLARATION_NUMBER, normalize_tax_code, validate_not_future
from ratings.rollups import empty_deltas, rollup_add
from ratings.services.declarations_bulk import _existing_declarations, _write_declarations, ensure_enterprises

logger = logging.getLogger(__name__)


DECLARATION_FIELDS = ("number", "tax_code", "branch_code", "team_code", "official_code", "registered_at", "cleared_at")


def local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _parse_moment(value: Any, errors: dict, name: str, *, required: bool) -> datetime | None:
    if value in (None, ""):
        if required:
            errors[name] = [_("This field is required.")]
        return None
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, such as 2020-02-30
        moment = None
    if moment is None:
        errors[name] = [_("Use an ISO 8601 date and time, for example 2020-05-04T08:30:00+07:00.")]
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        validate_not_future(moment)
    except ValidationError as error:
        errors[name] = list(error.messages)
        return None
    return moment


@dataclass
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


def clean_declaration_row(
    raw: Any, tax_codes: dict[str, str | ValidationError]
) -> tuple[CleanDeclaration | None, dict]:
    """Check one row's own fields (no database); `tax_codes` caches normalised codes across a batch."""
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Each declaration must be a JSON object.")]}
    errors: dict[str, list[str]] = {}
    number = str(raw.get("number") or "").strip()
    if not DECLARATION_NUMBER.match(number):
        errors["number"] = [_("A customs declaration number has exactly 12 digits.")]
    raw_tax_code = str(raw.get("tax_code") or "").strip()
    tax_code = tax_codes.get(raw_tax_code)
    if tax_code is None:
        tax_code = tax_codes[raw_tax_code] = _normalized_tax_code(raw_tax_code)
    if isinstance(tax_code, ValidationError):
        errors["tax_code"] = list(tax_code.messages)
    codes = {}
    for name in ("branch_code", "team_code", "official_code"):
        codes[name] = str(raw.get(name) or "").strip()
        if not codes[name]:
            errors[name] = [_("This field is required.")]
    registered_at = _parse_moment(raw.get("registered_at"), errors, "registered_at", required=True)
    cleared_at = _parse_moment(raw.get("cleared_at"), errors, "cleared_at", required=False)
    if registered_at and cleared_at and cleared_at < registered_at:
        errors["cleared_at"] = [_("A declaration cannot be cleared before it was registered.")]
    if errors:
        return None, errors
    return CleanDeclaration(number, tax_code, registered_at=registered_at, cleared_at=cleared_at, **codes), {}  # type: ignore[arg-type]


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (index in the input, errors)


def declarations_upsert(*, rows: Sequence[Any], partial: bool = False, invite: bool = True) -> UpsertResult:
    """Insert or update declarations by number, resolving codes with one query per kind for the batch.

    All or nothing unless `partial`: then invalid rows are skipped and reported, and the rest saved.
    Newly cleared declarations get their rating invitations after commit unless `invite` is off.
    """
    result = UpsertResult()
    tax_codes: dict[str, str | ValidationError] = {}
    cleaned: list[tuple[int, CleanDeclaration]] = []
    for index, raw in enumerate(rows):
        row, errors = clean_declaration_row(raw, tax_codes)
        if errors:
            result.rejected.append((index, errors))
        else:
            cleaned.append((index, row))

    branches = dict(Branch.objects.filter(code__in={row.branch_code for _i, row in cleaned}).values_list("code", "pk"))
    teams = {
        (branch_id, code): pk
        for pk, branch_id, code in Team.objects.filter(
            branch_id__in=branches.values(), code__in={row.team_code for _i, row in cleaned}
        ).values_list("pk", "branch_id", "code")
    }
    officials = {
        code: (pk, branch_id)
        for pk, code, branch_id in Official.objects.filter(
            code__in={row.official_code for _i, row in cleaned}
        ).values_list("pk", "code", "branch_id")
    }
    resolved = []
    for index, row in cleaned:
        errors = {}
        branch_id = branches.get(row.branch_code)
        team_id = teams.get((branch_id, row.team_code))
        official = officials.get(row.official_code)
        if branch_id is None:
            errors["branch_code"] = [_("Unknown branch code %(code)s.") % {"code": row.branch_code}]
        elif team_id is None:
            errors["team_code"] = [
                _("Unknown team code %(code)s in branch %(branch)s.")
                % {"code": row.team_code, "branch": row.branch_code}
            ]
        if official is None:
            errors["official_code"] = [_("Unknown official code %(code)s.") % {"code": row.official_code}]
        elif branch_id is not None and official[1] != branch_id:
            errors["official_code"] = [
                _("Official %(code)s does not belong to branch %(branch)s.")
                % {"code": row.official_code, "branch": row.branch_code}
            ]
        if errors:
            result.rejected.append((index, errors))
        else:
            resolved.append((row, branch_id, team_id, official[0]))  # type: ignore[index]
    result.rejected.sort(key=lambda item: item[0])
    if result.rejected and not partial:
        return result
    if not resolved:
        return result

    # The last row wins when a batch carries the same number twice.
    by_number = {
        row.number: (row, branch_id, team_id, official_id) for row, branch_id, team_id, official_id in resolved
    }
    with transaction.atomic():
        enterprises = ensure_enterprises(row.tax_code for row, *_ids in by_number.values())
        existing = _existing_declarations(list(by_number))
        zone = timezone.get_current_timezone()
        deltas = empty_deltas()
        newly_cleared = []
        records = []
        for number, (row, branch_id, team_id, official_id) in by_number.items():
            cleared_on = row.cleared_at.astimezone(zone).date() if row.cleared_at else None
            before = existing.get(number)
            if before is not None and before[0] is not None:
                deltas[before]["declarations"] -= 1
            if cleared_on is not None:
                deltas[(cleared_on, branch_id, team_id, official_id)]["declarations"] += 1
                if before is None or before[0] is None:
                    newly_cleared.append(number)
            records.append(
                (
                    number,
                    enterprises[row.tax_code],
                    branch_id,
                    team_id,
                    official_id,
                    row.registered_at,
                    row.cleared_at,
                    cleared_on,
                )
            )
        _write_declarations(records)
        rollup_add(deltas)
        if newly_cleared and invite:
            transaction.on_commit(lambda: _enqueue_invitations(newly_cleared), robust=True)
    result.updated = len(existing)
    result.created = len(by_number) - len(existing)
    return result


def _enqueue_invitations(numbers: list[str]) -> None:
    from ratings.tasks import invitations_send_task

    try:
        invitations_send_task.delay(numbers)
    except Exception:  # a broker outage must not fail ingestion; the periodic job invites what was missed
        logger.warning("could not enqueue rating invitations for %s declarations", len(numbers), exc_info=True)
