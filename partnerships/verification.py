"""Anyone can check a copy of a certificate: is the department's seal intact, which agreement, in force today?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from partnerships.models import Agreement, AgreementStatus
from partnerships.signatures.identity import SigningUnavailable, certificate_fingerprint, department_identity
from partnerships.signatures.validation import UnreadablePdf, Verdict, check_signature, is_department_seal


@dataclass(frozen=True)
class DocumentVerification:
    signature: str  # valid | modified | untrusted | absent
    signed_by: str = ""
    signed_at: datetime | None = None
    agreement: Agreement | None = None
    demo_seal: bool = False

    @property
    def reference(self) -> str | None:
        return self.agreement.reference if self.agreement else None

    @property
    def status(self) -> str | None:
        return self.agreement.status if self.agreement else None

    @property
    def in_force(self) -> bool | None:
        return self.agreement.status == AgreementStatus.ACTIVE if self.agreement else None


def read_pdf_upload(upload) -> bytes:
    """The bytes of an uploaded PDF, or a ValidationError on `file` that says what is wrong."""
    if upload is None:
        raise ValidationError({"file": [_("Please choose the PDF file to check.")]})
    if upload.size > settings.SIGNED_AGREEMENT_MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than 10 MB; a certificate is much smaller.")]})
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"file": [_("This file is not a PDF document.")]})
    return data


def _department_seals() -> tuple[list, set[str], str]:
    """Trust roots of our own seal, the fingerprints of every certificate we sealed with, the demo one's."""
    fingerprints = set(
        Agreement.objects.exclude(certificate_seal_fingerprint="")
        .values_list("certificate_seal_fingerprint", flat=True)
        .distinct()
    )
    try:
        identity = department_identity()
    except SigningUnavailable:
        return [], fingerprints, ""
    fingerprints.add(identity.fingerprint)
    return list(identity.roots), fingerprints, identity.fingerprint if identity.is_demo else ""


def document_verify(*, pdf: bytes) -> DocumentVerification:
    """The verdict on an uploaded copy; the agreement is named only when the department's seal is valid."""
    roots, fingerprints, demo_fingerprint = _department_seals()
    try:
        check = check_signature(pdf, trust_roots=roots)
    except UnreadablePdf:
        raise ValidationError({"file": [_("This PDF cannot be read; it may be damaged.")]}) from None
    verdict = check.verdict
    if verdict == Verdict.VALID and not is_department_seal(check, known_fingerprints=fingerprints):
        verdict = Verdict.UNTRUSTED  # intact, but signed by someone else than the department
    agreement = None
    if verdict == Verdict.VALID and check.reference:
        agreement = Agreement.objects.select_related("enterprise").filter(reference=check.reference).first()
    return DocumentVerification(
        signature=str(verdict),
        signed_by=check.signed_by,
        signed_at=check.signed_at,
        agreement=agreement,
        demo_seal=bool(check.signing_certificate)
        and certificate_fingerprint(check.signing_certificate) == demo_fingerprint,
    )
