"""Anonymise personal data past its retention period (the daily job, by hand)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from customs_feedback.core.privacy import retention_purge


class Command(BaseCommand):
    help = "Anonymise personal data past its retention period (RETENTION_* settings) and record the run."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Purge as of this ISO 8601 moment (default: now)")

    def handle(self, *args, now=None, **options):
        moment = None
        if now:
            try:
                moment = parse_datetime(now)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now: give an ISO 8601 moment with its offset, e.g. 2026-12-01T03:00:00+07:00")
        run = retention_purge(now=moment)
        for name, result in run.results.items():
            self.stdout.write(f"{name}: {result['changed']} changed (older than {result['days']} days)")
        self.stdout.write(f"total: {run.changed_total}")
