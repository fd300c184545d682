from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customs_feedback.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (DIR/<UTC timestamp>/ written by `backup`) into the empty database of "
        "DATABASE_URL and an empty MEDIA_ROOT. Run `migrate` afterwards when the code is newer than the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the backup folder, e.g. backups/20261202T020000Z")

    def handle(self, *args, source: Path, **options):
        try:
            backup_restore(source=source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {source} (database and media)")
