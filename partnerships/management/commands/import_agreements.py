"""import_agreements FILE.csv — load historical signings with a progress bar and a report of bad rows."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from customs_feedback.importing import report_rejected
from partnerships.importing import COLUMNS, import_agreements


class Command(BaseCommand):
    help = f"Import historical partnership agreements from a UTF-8 CSV file with the columns: {', '.join(COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--rejects", type=Path, help="write every rejected row (line, reason) to this CSV file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, file: Path, batch_size: int, rejects: Path | None, no_progress: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        with file.open(encoding="utf-8-sig", newline="") as handle:
            total = max(sum(1 for _line in handle) - 1, 0)
            handle.seek(0)
            bar = tqdm(
                total=total,
                unit="row",
                desc="import_agreements",
                file=self.stderr._out,
                disable=no_progress or options["verbosity"] == 0,
            )
            try:
                # The report is an operator's log, in English like the rest of the command's output.
                with translation.override("en"):
                    report = import_agreements(
                        handle, source_name=file.name, batch_size=batch_size, progress=bar.update
                    )
            except ValueError as error:
                raise CommandError(f"{file}: {error}") from error
            finally:
                bar.close()
        self.stdout.write(
            f"created: {report.created}, already present: {report.already_present}, rejected: {len(report.rejected)}"
        )
        report_rejected(self.stdout, report.rejected, rejects=rejects, shown=50)
