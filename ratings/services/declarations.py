"""Declaration ingestion: check each row, resolve its codes for the batch, upsert and invite after commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.tasking import enqueue
from ratings.rollups import empty_deltas, rollup_add
from ratings.services.declaration_rows import CleanDeclaration, CodeLookups, clean_declaration_row, not_after
from ratings.services.declarations_bulk import _existing_declarations, _write_declarations, ensure_enterprises

logger = logging.getLogger(__name__)


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (index in the input, errors)


Resolved = tuple[CleanDeclaration, int, int, int]  # the row, its branch, team and official ids


def declarations_upsert(*, rows: Sequence[Any], partial: bool = False, invite: bool = True) -> UpsertResult:
    """Insert or update declarations by number, resolving codes with one query per kind for the batch.

    All or nothing unless `partial`: then invalid rows are skipped and reported, and the rest saved.
    Newly cleared declarations get their rating invitations after commit unless `invite` is off.
    """
    result = UpsertResult()
    tax_codes: dict[str, str | ValidationError] = {}
    cleaned: list[tuple[int, CleanDeclaration]] = []
    latest = not_after()
    for index, raw in enumerate(rows):
        row, errors = clean_declaration_row(raw, tax_codes, latest=latest)
        if row is None:
            result.rejected.append((index, errors))
        else:
            cleaned.append((index, row))
    resolved = _resolve_codes(cleaned, result)
    result.rejected.sort(key=lambda item: item[0])
    if (result.rejected and not partial) or not resolved:
        return result
    # The last row wins when a batch carries the same number twice.
    by_number = {item[0].number: item for item in resolved}
    with transaction.atomic():
        existing, newly_cleared = _write(by_number)
        if newly_cleared and invite:
            transaction.on_commit(lambda: _enqueue_invitations(newly_cleared), robust=True)
    result.updated = len(existing)
    result.created = len(by_number) - len(existing)
    return result


def code_lookups(rows: Sequence[CleanDeclaration] | None = None) -> CodeLookups:
    """The organisation's codes as ids: those the rows name (one query per kind), or all of them."""
    branches = Branch.objects.all()
    teams = Team.objects.all()
    officials = Official.objects.all()
    if rows is not None:
        branches = branches.filter(code__in={row.branch_code for row in rows})
        teams = teams.filter(code__in={row.team_code for row in rows})
        officials = officials.filter(code__in={row.official_code for row in rows})
    branch_ids = dict(branches.values_list("code", "pk"))
    return CodeLookups(
        branches=branch_ids,
        teams={
            (branch_id, code): pk
            for pk, branch_id, code in teams.filter(branch_id__in=branch_ids.values()).values_list(
                "pk", "branch_id", "code"
            )
        },
        officials={code: (pk, branch_id) for pk, code, branch_id in officials.values_list("pk", "code", "branch_id")},
    )


def _resolve_codes(cleaned: list[tuple[int, CleanDeclaration]], result: UpsertResult) -> list[Resolved]:
    """The rows whose branch, team and official codes all resolve (one query per kind); the others go to
    `result.rejected` with the messages the CSV import gives too."""
    lookups = code_lookups([row for _i, row in cleaned])
    resolved: list[Resolved] = []
    for index, row in cleaned:
        ids = lookups.resolve(row)
        if isinstance(ids, tuple):
            resolved.append((row, *ids))
        else:
            result.rejected.append((index, ids))
    return resolved


def _write(by_number: dict[str, Resolved]) -> tuple[dict[str, tuple], list[str]]:
    """Upsert the rows and move the rollup's declaration counts (caller holds the transaction).

    Returns the rollup keys of the declarations that existed before, and the numbers newly cleared.
    """
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
        record = (number, enterprises[row.tax_code], branch_id, team_id, official_id, row.registered_at)
        records.append((*record, row.cleared_at, cleared_on))
    _write_declarations(records)
    rollup_add(deltas)
    return existing, newly_cleared


def _enqueue_invitations(numbers: list[str]) -> None:
    try:
        enqueue("ratings.invitations_send", numbers)
    except Exception:  # a broker outage must not fail ingestion; the periodic job invites what was missed
        logger.warning("could not enqueue rating invitations for %s declarations", len(numbers), exc_info=True)
