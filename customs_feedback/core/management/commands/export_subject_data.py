"""Everything held about one email address, as JSON (a data-subject request)."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from customs_feedback.core.privacy import subject_data


class Command(BaseCommand):
    help = "Write everything held about one email address as JSON (to --out, or to standard output)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--out", type=Path, help="File to write (default: standard output)")

    def handle(self, *args, email, out=None, **options):
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address") from error
        text = json.dumps(subject_data(email=email), ensure_ascii=False, indent=2)
        if out:
            out.write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"written to {out}")
        else:
            self.stdout.write(text)
