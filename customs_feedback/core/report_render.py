"""The results report as a printable HTML page, an A4 PDF (weasyprint) and an XLSX workbook with typed cells."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.core.reporting import Report

FORMATS = ("html", "pdf", "xlsx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
NUMBER_FORMATS = {"int": "#,##0", "decimal": "0.00", "percent": "0.0%", "date": "dd/mm/yyyy"}


def report_filename(report: Report, file_format: str) -> str:
    unit = report.branch.code if report.branch is not None else "cuc"
    return f"bao-cao-ket-qua-{report.period.code}-{unit}.{file_format}"


def report_html(report: Report) -> str:
    """The standalone document (also the source of the PDF): A4, Vietnamese administrative layout."""
    return render_to_string("reports/report_document.html", {"report": report, **_heading()})


def _heading() -> dict:
    return {"department_name": settings.DEPARTMENT_NAME, "today": timezone.localdate()}


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(report), base_url=str(settings.BASE_DIR)).write_pdf()


def report_xlsx(report: Report) -> bytes:
    """One sheet per section; numbers, shares and dates are typed cells with a number format."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from customs_feedback.core.exports import cell as safe_text

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for section in report.sections:
        sheet = workbook.create_sheet(title=_sheet_title(section.title, workbook.sheetnames))
        sheet.append([f"{report.title} – {report.period.label}"])
        sheet.append([report.unit])
        sheet["A1"].font = Font(bold=True, size=13)
        widths: dict[int, int] = {}
        for table in section.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append([column.label for column in table.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for row in table.rows:
                sheet.append(
                    [_typed(value, column.kind, safe_text) for value, column in zip(row, table.columns, strict=True)]
                )
                for index, column in enumerate(table.columns, start=1):
                    if column.kind in NUMBER_FORMATS:
                        sheet.cell(row=sheet.max_row, column=index).number_format = NUMBER_FORMATS[column.kind]
            for index, column in enumerate(table.columns, start=1):
                longest = max([len(column.label)] + [len(str(row[index - 1] or "")) for row in table.rows])
                widths[index] = max(widths.get(index, 10), min(longest + 2, 60))
        for index, width in widths.items():
            sheet.column_dimensions[chr(64 + index)].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _typed(value, kind: str, safe_text):
    if value is None:
        return None
    if kind == "date":
        return timezone.localtime(value).replace(tzinfo=None) if isinstance(value, datetime) else value
    if kind in ("int",):
        return int(value)
    if kind in ("decimal", "percent"):
        return float(value)
    return safe_text(value)


def _sheet_title(title: str, taken: list[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31].strip() or _("Report")
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name[:28]} {number}"
        number += 1
    return candidate


def report_render(report: Report, file_format: str) -> bytes:
    if file_format == "pdf":
        return report_pdf(report)
    if file_format == "xlsx":
        return report_xlsx(report)
    return report_html(report).encode("utf-8")
