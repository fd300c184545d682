from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customs_feedback.core.backups import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump custom format) and MEDIA_ROOT into DIR/<UTC timestamp>/; "
        "with --keep-days, then delete the backups in DIR older than that."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where backup folders are kept")
        parser.add_argument("--keep-days", type=int, default=None, help="delete backups older than this many days")

    def handle(self, *args, directory: Path, keep_days: int | None, **options):
        if keep_days is not None and keep_days < 1:
            raise CommandError("--keep-days must be 1 or more")
        try:
            target = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"backup written to {target}")
        if keep_days is not None:
            for removed in backups_prune(directory=directory, keep_days=keep_days):
                self.stdout.write(f"removed {removed} (older than {keep_days} days)")
