"""Generate a self-made CA and a seal certificate as PKCS#12, for staging and CI (never for real use)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from partnerships.signatures import pki


class Command(BaseCommand):
    help = (
        "Write DIR/department.p12 and DIR/ca.pem: a test CA and a seal certificate issued by it. "
        "For staging and CI only; production uses the department's certificate from a licensed CA."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="TEST – Cục Hải quan Hải Phòng (not a real seal)")

    def handle(self, *args, directory: Path, password: str, name: str, **options):
        directory.mkdir(parents=True, exist_ok=True)
        start = timezone.now() - timedelta(days=1)
        ca = pki.certificate_authority(
            pki.name(common_name="TEST CA (not a real CA)", organization="TEST"), not_before=start
        )
        seal = pki.signing_certificate(ca, pki.name(common_name=name, organization="TEST"), not_before=start)
        (directory / "ca.pem").write_bytes(ca.certificate_pem())
        (directory / "department.p12").write_bytes(
            pki.pkcs12_bytes(seal, chain=[ca.certificate], password=password, label="department")
        )
        self.stdout.write(f"{directory / 'department.p12'} and {directory / 'ca.pem'} written.")
