"""CSV and XLSX exports of an admin changelist: the rows staff see, with the filters they chose."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO

from django.contrib.admin.utils import label_for_field, lookup_field
from django.db.models import Model
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import capfirst

# A cell starting with one of these is a formula to a spreadsheet: neutralise it (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool | int | float):
        return value
    text = strip_tags(str(value))
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def rows(model_admin, queryset, fields: list[str]) -> Iterator[list]:
    yield [capfirst(str(label_for_field(name, queryset.model, model_admin))) for name in fields]
    for obj in queryset.iterator(chunk_size=2000):
        yield [cell(_value(model_admin, obj, name)) for name in fields]


def _value(model_admin, obj: Model, name: str):
    field, _attr, value = lookup_field(name, obj, model_admin)
    if field is not None and getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(model_admin, queryset, fields: list[str], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    body = (writer.writerow(row) for row in rows(model_admin, queryset, fields))
    response = StreamingHttpResponse(_with_bom(body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"  # so spreadsheet programs read Vietnamese as UTF-8
    yield from lines


def xlsx_response(model_admin, queryset, fields: list[str], filename: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    for row in rows(model_admin, queryset, fields):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
