"""Issue a DEMO digital-signature certificate of an enterprise from the demo CA, to try signing the MoU."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from customs_feedback.validators import normalize_tax_code
from partnerships.signatures import pki
from partnerships.signatures.identity import demo_certificate_authority


class Command(BaseCommand):
    help = (
        "Write a PKCS#12 certificate of the enterprise TAX_CODE (UID=MST:…) issued by the demo CA, for trying "
        "the digitally signed agreement in the embedded demo. Refused when a real signing setup is configured."
    )

    def add_arguments(self, parser):
        parser.add_argument("tax_code")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="DOANH NGHIỆP THỬ NGHIỆM")

    def handle(self, *args, tax_code: str, out: Path, password: str, name: str, **options):
        if settings.CERTIFICATE_SIGNING_P12 or settings.SIGNATURE_TRUST_ROOTS:
            raise CommandError("only for the embedded demo: CERTIFICATE_SIGNING_P12 or SIGNATURE_TRUST_ROOTS is set")
        tax_code = normalize_tax_code(tax_code)
        ca = demo_certificate_authority()
        enterprise = pki.signing_certificate(
            ca,
            pki.name(common_name=f"{name} (DEMO)", organization="DEMO", uid=f"MST:{tax_code}"),
            not_before=timezone.now() - timedelta(days=1),
            days=365,
        )
        out.write_bytes(pki.pkcs12_bytes(enterprise, chain=[ca.certificate], password=password, label=tax_code))
        self.stdout.write(f"{out}: DEMO certificate of {tax_code}, valid for a year.")
