from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from customs_feedback.core.report_render import FORMATS, report_render
from customs_feedback.core.reporting import Period, ReportError, report_build


class Command(BaseCommand):
    help = "Write the results report (Báo cáo kết quả) of a month, quarter or year, for the department or a branch."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026-11 (month), 2026-Q4 (quarter) or 2026 (year)")
        parser.add_argument("--branch", default="", help="VNACCS office code of one branch, e.g. 03CC")
        parser.add_argument("--format", dest="file_format", choices=FORMATS, default="pdf")
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="vi")

    def handle(self, *args, period: str, branch: str, file_format: str, out: str, language: str, **options):
        with translation.override(language):
            try:
                report = report_build(period=Period.parse(period), branch_code=branch)
            except ReportError as error:
                raise CommandError(str(error)) from None
            content = report_render(report, file_format)
            Path(out).write_bytes(content)
            self.stdout.write(f"{out}: {report.title} – {report.period.label} – {report.unit} ({len(content)} bytes)")
