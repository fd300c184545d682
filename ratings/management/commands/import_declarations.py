import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ratings.importing import ImportFormatError, declarations_import


class Command(BaseCommand):
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
        with file.open("rb") as handle:
            total = max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)
        with tqdm(total=total, unit="rows", disable=no_progress, file=self.stderr, mininterval=0.5) as bar:
            try:
                result = declarations_import(path=file, progress=bar.update)
            except ImportFormatError as error:
                raise CommandError(f"{file}: {error}") from None
        self.stdout.write(
            f"Imported {result.created + result.updated} declarations: {result.created} created, "
            f"{result.updated} updated, {len(result.rejected)} rejected."
        )
        if options["verbosity"] > 1:
            self.stdout.write("  " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result.timings.items()))
        for line, errors in result.rejected[:20]:
            self.stdout.write(f"  line {line}: {_describe(errors)}")
        if len(result.rejected) > 20:
            self.stdout.write(f"  … and {len(result.rejected) - 20} more" + ("" if rejects else " (use --rejects)"))
        if rejects:
            with rejects.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "errors"])
                writer.writerows((line, _describe(errors)) for line, errors in result.rejected)


def _describe(errors: dict) -> str:
    return "; ".join(f"{field}: {' '.join(str(message) for message in messages)}" for field, messages in errors.items())
