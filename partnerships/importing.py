"""Loading historical signings from CSV: validated row by row, written in batches, safe to run twice."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from customs_feedback.inputs import field_problems
from customs_feedback.organization.models import Branch
from customs_feedback.text import nfc
from customs_feedback.validators import normalize_tax_code
from partnerships.models import (
    LIVE_STATUSES,
    SIGNED_DETAILS,
    Agreement,
    AgreementEvent,
    AgreementNumberSequence,
    AgreementSource,
    AgreementStatus,
    Enterprise,
)
from partnerships.services import REFERENCE_ALPHABET

COLUMNS = ["tax_code", *SIGNED_DETAILS, "language", "signed_on", "number", "branch_code"]
REQUIRED = ["tax_code", "company_name", "signed_on"]


@dataclass
class ImportRow:
    line: int
    tax_code: str
    company_name: str
    signed_at: datetime
    number: int | None
    branch_code: str
    values: dict[str, str]

    def contact(self) -> dict[str, str]:
        """The optional contact columns, cut to their fields' lengths, as the enterprise and the agreement keep them."""
        return {
            "address": self.values.get("address", "")[:500],
            "representative_name": self.values.get("representative_name", "")[:200],
            "representative_title": self.values.get("representative_title", "")[:200],
            "email": self.values.get("email", "")[:254],
            "phone": self.values.get("phone", "")[:30],
            "language": "en" if self.values.get("language") == "en" else "vi",
        }


@dataclass
class ImportReport:
    created: int = 0
    already_present: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def _parse_date(value: str) -> date:
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), layout).date()  # noqa: DTZ007 - a calendar date, made aware below
        except ValueError:
            continue
    raise ValueError(value)


def parse_rows(lines: Iterable[str], report: ImportReport) -> list[ImportRow]:
    """Validate every row; bad ones go to the report with their line number and reason."""
    reader = csv.DictReader(lines)
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    rows: list[ImportRow] = []
    seen_tax_codes: dict[str, int] = {}
    seen_numbers: dict[int, int] = {}
    today = timezone.localdate()
    for line, raw in enumerate(reader, start=2):
        values = {key: nfc((value or "").strip()) for key, value in raw.items() if key}
        refused = field_problems(values.items())
        if refused:
            column, messages = next(iter(refused.items()))
            report.rejected.append((line, f"{column}: {messages[0]}"))
            continue
        try:
            tax_code = normalize_tax_code(values.get("tax_code", ""))
        except ValidationError as error:
            report.rejected.append((line, f"tax code {values.get('tax_code')!r}: {' '.join(error.messages)}"))
            continue
        if tax_code in seen_tax_codes:
            report.rejected.append((line, f"tax code {tax_code} duplicates line {seen_tax_codes[tax_code]}"))
            continue
        if not values.get("company_name"):
            report.rejected.append((line, "company_name is empty"))
            continue
        try:
            signed_on = _parse_date(values.get("signed_on", ""))
        except ValueError:
            report.rejected.append((line, f"signed_on {values.get('signed_on')!r} is not a date (YYYY-MM-DD)"))
            continue
        if signed_on > today:
            report.rejected.append((line, f"signed_on {signed_on} is in the future"))
            continue
        number = None
        if values.get("number"):
            try:
                number = int(values["number"]) if values["number"].isascii() else 0  # int() reads any digits
                if number <= 0:
                    raise ValueError
            except ValueError:
                report.rejected.append((line, f"number {values['number']!r} is not a positive whole number"))
                continue
            if number in seen_numbers:
                report.rejected.append((line, f"number {number} duplicates line {seen_numbers[number]}"))
                continue
            seen_numbers[number] = line
        seen_tax_codes[tax_code] = line
        rows.append(
            ImportRow(
                line=line,
                tax_code=tax_code,
                company_name=values["company_name"][:300],
                signed_at=timezone.make_aware(datetime.combine(signed_on, time(9, 0))),
                number=number,
                branch_code=values.get("branch_code", "").upper(),
                values=values,
            )
        )
    return rows


def _reference() -> str:
    return "MOU-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _index in range(8))


def _allocate_numbers(count: int, floor: int) -> list[int]:
    sequence, _created = AgreementNumberSequence.objects.get_or_create(name="agreement")
    sequence = AgreementNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    highest = Agreement.objects.aggregate(highest=Max("number"))["highest"] or 0
    start = max(sequence.last_value, highest, floor)
    sequence.last_value = start + count
    sequence.save(update_fields=["last_value"])
    return list(range(start + 1, start + count + 1))


def import_batch(rows: list[ImportRow], report: ImportReport, *, branches: dict[str, int], floor: int, note: str):
    """Write one batch in one transaction: enterprises, agreements in force and their event rows."""
    with transaction.atomic():
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    tax_code=row.tax_code,
                    name_vi=row.company_name,
                    **row.contact(),
                    branch_id=branches.get(row.branch_code),
                )
                for row in rows
            ],
            ignore_conflicts=True,
        )
        enterprise_ids = dict(
            Enterprise.objects.filter(tax_code__in=[row.tax_code for row in rows]).values_list("tax_code", "pk")
        )
        live = set(
            Agreement.objects.filter(enterprise_id__in=enterprise_ids.values(), status__in=LIVE_STATUSES).values_list(
                "enterprise_id", flat=True
            )
        )
        imported_before = set(
            Agreement.objects.filter(
                enterprise_id__in=enterprise_ids.values(), source=AgreementSource.IMPORT
            ).values_list("enterprise_id", "activated_at")
        )
        given = [row.number for row in rows if row.number is not None]
        numbers_taken = set(Agreement.objects.filter(number__in=given).values_list("number", flat=True))

        accepted: list[ImportRow] = []
        for row in rows:
            enterprise_id = enterprise_ids[row.tax_code]
            if enterprise_id in live or (enterprise_id, row.signed_at) in imported_before:
                report.already_present += 1
            elif row.number is not None and row.number in numbers_taken:
                report.rejected.append((row.line, f"number {row.number} is already used by another agreement"))
            else:
                accepted.append(row)
        new_numbers = iter(_allocate_numbers(sum(1 for row in accepted if row.number is None), floor))
        agreements = Agreement.objects.bulk_create(
            [
                Agreement(
                    reference=_reference(),
                    enterprise_id=enterprise_ids[row.tax_code],
                    status=AgreementStatus.ACTIVE,
                    source=AgreementSource.IMPORT,
                    company_name=row.company_name,
                    **row.contact(),
                    signed_at=row.signed_at,
                    email_confirmed_at=row.signed_at,
                    activated_at=row.signed_at,
                    number=row.number if row.number is not None else next(new_numbers),
                )
                for row in accepted
            ]
        )
        AgreementEvent.objects.bulk_create(
            [
                AgreementEvent(agreement_id=agreement.pk, to_status=AgreementStatus.ACTIVE, note=note)
                for agreement in agreements
            ]
        )
        report.created += len(agreements)


def import_agreements(
    lines: Iterable[str],
    *,
    source_name: str,
    batch_size: int = 2000,
    progress: Callable[[int], None] = lambda _count: None,
) -> ImportReport:
    """Import historical signings; rows already imported (or of an enterprise already in force) are skipped."""
    report = ImportReport()
    rows = parse_rows(lines, report)
    progress(len(report.rejected))
    branches = dict(Branch.objects.values_list("code", "pk"))
    floor = max((row.number for row in rows if row.number is not None), default=0)
    note = f"imported from {source_name}"[:200]
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        import_batch(batch, report, branches=branches, floor=floor, note=note)
        progress(len(batch))
    report.rejected.sort()
    return report
