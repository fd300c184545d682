from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from ratings.rollups import rollup_rebuild


class Command(BaseCommand):
    help = "Recompute the rating statistics rollup from the raw declarations and ratings."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat, default=date(2000, 1, 1))
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat, default=None)

    def handle(self, *args, date_from: date, date_to: date | None, **options):
        keys = rollup_rebuild(date_from=date_from, date_to=date_to or timezone.localdate())
        self.stdout.write(f"Rebuilt {keys} rollup rows.")
