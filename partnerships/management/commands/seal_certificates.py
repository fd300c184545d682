"""seal_certificates — give every agreement in force without a sealed certificate (imported ones) its sealed PDF."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from partnerships.certificates import agreements_without_seal, certificates_seal
from partnerships.signatures.identity import SigningUnavailable, department_identity


class Command(BaseCommand):
    help = "Render and seal the certificate of every agreement in force that has none sealed yet, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, batch_size: int, no_progress: bool, **options):
        try:
            identity = department_identity()
        except SigningUnavailable:
            raise CommandError("CERTIFICATE_SIGNING is off: there is nothing to seal with.") from None
        pending = list(agreements_without_seal().values_list("pk", flat=True))
        bar = tqdm(
            total=len(pending),
            unit="certificate",
            desc="seal_certificates",
            file=self.stderr._out,
            disable=no_progress or options["verbosity"] == 0,
        )
        sealed = 0
        try:
            # One transaction per batch: an interrupted run keeps what it sealed and resumes where it stopped.
            for start in range(0, len(pending), batch_size):
                batch = pending[start : start + batch_size]
                sealed += certificates_seal(agreement_ids=batch)
                bar.update(len(batch))
        finally:
            bar.close()
        demo = " (DEMO seal)" if identity.is_demo else ""
        self.stdout.write(f"sealed: {sealed} certificates with {identity.subject}{demo}")
