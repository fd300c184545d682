"""CSV and XLSX exports of an admin changelist: the rows staff see, with the filters they chose.

Columns are typed: dates and times as dates (to the minute, local time), scores and counts as numbers,
yes/no as Có/Không, choices by their label, headers in the user's language, no internal ids. A list
longer than EXPORT_INLINE_MAX_ROWS is exported by a background job (`export_changelist` below).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO

from django.contrib.admin.utils import label_for_field, lookup_field
from django.db.models import Model
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_feedback.core.jobs import JobOutcome, job_kind

# A cell starting with one of these is a formula to a spreadsheet: neutralise it (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INTERNAL_IDS = frozenset({"pk", "id"})
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"


def cell(value):
    """A typed cell: None, a number, a naive local datetime to the minute, a date, or text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, date | int | float | Decimal):
        return value
    text = strip_tags(str(value))
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def export_fields(fields: list[str]) -> list[str]:
    return [name for name in fields if name not in INTERNAL_IDS]


def rows(model_admin, queryset, fields: list[str]) -> Iterator[list]:
    fields = export_fields(fields)
    yield [capfirst(str(label_for_field(name, queryset.model, model_admin))) for name in fields]
    for obj in queryset.iterator(chunk_size=2000):
        yield [cell(_value(model_admin, obj, name)) for name in fields]


def _value(model_admin, obj: Model, name: str):
    field, _attr, value = lookup_field(name, obj, model_admin)
    if field is not None and getattr(field, "choices", None) and not isinstance(value, int):
        return dict(field.flatchoices).get(value, value)
    if field is not None and field.is_relation and value is not None:
        return str(value)
    return value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(model_admin, queryset, fields: list[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read Vietnamese as UTF-8
    for row in rows(model_admin, queryset, fields):
        yield writer.writerow([_csv_text(value) for value in row])


def csv_response(model_admin, queryset, fields: list[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(model_admin, queryset, fields), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(model_admin, queryset, fields: list[str], title: str, progress=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, row in enumerate(rows(model_admin, queryset, fields)):
        if index == 0:
            header = []
            for label in row:
                header_cell = WriteOnlyCell(sheet, value=label)
                header_cell.font = Font(bold=True)
                header.append(header_cell)
            sheet.append(header)
            continue
        sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
        if progress is not None and index % 500 == 0:
            progress(index)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value, cell_class):
    if isinstance(value, datetime | date):
        typed = cell_class(sheet, value=value)
        typed.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return typed
    return value


def xlsx_response(model_admin, queryset, fields: list[str], filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(model_admin, queryset, fields, filename), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


EXPORT = "core.export"


@job_kind(EXPORT, gettext_lazy("Export a list"))
def export_changelist(job, progress) -> JobOutcome:
    """Rebuild the staff member's changelist (their scope, their filters, checked again now) and write it."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.http import HttpRequest, QueryDict

    params = job.params
    model = apps.get_model(params["model"])
    model_admin = admin.site._registry[model]
    request = HttpRequest()
    request.method, request.path = "GET", params.get("path", "/")
    request.GET = QueryDict(params.get("query", ""))
    request.user = get_user_model().objects.get(pk=job.requested_by_id)
    if not model_admin.has_view_permission(request):
        return JobOutcome(summary=_("You may no longer see this list."))
    queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    fields = model_admin.get_export_fields(request)
    filename = params["filename"]
    if params["format"] == "csv":
        buffer = StringIO()
        for index, line in enumerate(csv_lines(model_admin, queryset, fields)):
            buffer.write(line)
            if index % 500 == 0:
                progress(index)
        content, extension = buffer.getvalue().encode("utf-8"), "csv"
    else:
        content, extension = xlsx_bytes(model_admin, queryset, fields, filename, progress), "xlsx"
    return JobOutcome(
        summary=_("%(count)d rows exported.") % {"count": queryset.count()},
        filename=f"{filename}.{extension}",
        content=content,
    )
