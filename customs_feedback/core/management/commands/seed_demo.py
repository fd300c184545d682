import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customs_feedback.core.demo import DemoContext, seeders


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, enterprises, records and staff accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default="haiquan-demo-2020",
            help="Password of every demo account (default: haiquan-demo-2020).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even though DJANGO_DEBUG is off (demo accounts with a known password!).",
        )

    def handle(self, *args, password: str, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates accounts with a known password; with DJANGO_DEBUG off pass --allow-production."
            )
        # Deterministic on purpose: the same demo data every run.
        context = DemoContext(rng=random.Random(20200401), out=self.stdout, password=password)  # noqa: S311
        with transaction.atomic():
            for seed in seeders():
                seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"\nDemo accounts (password: {password}) — sign in at {settings.SITE_URL}/admin/")
        width = max(len(username) for username, _role, _scope in context.accounts)
        for username, role, scope in context.accounts:
            self.stdout.write(f"  {username.ljust(width)}  {role}{f' — {scope}' if scope else ''}")
