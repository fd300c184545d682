"""Seal a certificate PDF with the department's PAdES signature (B-B; B-T when a TSA is configured)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.conf import settings

from partnerships.signatures.threads import outside_event_loop

if TYPE_CHECKING:
    from partnerships.signatures.identity import SigningIdentity

SEAL_FIELD = "DepartmentSeal"


def seal_pdf(pdf: bytes, *, identity: SigningIdentity, reason: str, location: str) -> bytes:
    """Return `pdf` with the department's signature appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # heavy: imported where used
    from pyhanko.sign import fields, signers, timestamps

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=reason,
        location=location,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    timestamper = timestamps.HTTPTimeStamper(settings.CERTIFICATE_TSA_URL) if settings.CERTIFICATE_TSA_URL else None
    output = outside_event_loop(signers.sign_pdf, writer, metadata, signer=identity.signer, timestamper=timestamper)
    return output.getvalue()
