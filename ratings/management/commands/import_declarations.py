from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from customs_feedback.importing import describe_errors, report_rejected
from ratings.csv_reading import ImportFormatError
from ratings.importing import declarations_import


class Command(BaseCommand):
    # Like Django's own migrate, a bulk data job skips the project-wide system checks (URL configuration,
    # admin, templates: a large part of its start); `manage.py check` runs them (CI runs `check --deploy`).
    requires_system_checks: list[str] = []
    help = (
        "Import (upsert by number) customs declarations from a CSV with the header "
        "number,tax_code,branch_code,team_code,official_code,registered_at,cleared_at."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--rejects", type=Path, help="write every rejected row (line, errors) to this CSV")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file: Path, rejects: Path | None, no_progress: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        total = 0
        if not no_progress:  # the bar's total: one read of the file, for nothing when no bar is shown
            with file.open("rb") as handle:
                total = max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)
        with tqdm(total=total, unit="rows", disable=no_progress, file=self.stderr, mininterval=0.5) as bar:
            try:
                # The report is an operator's log, in English like the rest of the command's output.
                with translation.override("en"):
                    result = declarations_import(path=file, progress=bar.update)
            except ImportFormatError as error:
                raise CommandError(f"{file}: {error}") from None
        self.stdout.write(
            f"Imported {result.created + result.updated} declarations: {result.created} created, "
            f"{result.updated} updated, {len(result.rejected)} rejected."
        )
        if options["verbosity"] > 1:
            self.stdout.write("  " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result.timings.items()))
        rejected = [(line, describe_errors(errors)) for line, errors in result.rejected]
        report_rejected(self.stdout, rejected, rejects=rejects)
