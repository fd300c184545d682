"""Check PAdES signatures with pyHanko: the department's seal on a copy, an enterprise's signature on its MoU."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import timezone

from partnerships.signatures.identity import certificate_fingerprint, common_name, to_asn1
from partnerships.signatures.threads import outside_event_loop

# pyHanko and cryptography are imported where used: the admin and the portal load this module, and pyHanko
# alone takes a large part of a process's start.
if TYPE_CHECKING:
    from cryptography import x509
    from pyhanko.sign.validation.status import PdfSignatureStatus

REFERENCE_PATTERN = re.compile(r"MOU-[A-Z2-9]{8}")
TAX_CODE_PATTERN = re.compile(r"(?<!\d)(\d{10})(?:-?(\d{3}))?(?!\d)")


def _problems():
    """(expiry problems, revocation problems) among pyHanko's AdES indications."""
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

    expiry = {AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.NOT_YET_VALID}
    revocation = {AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE}
    return expiry, revocation


class UnreadablePdf(Exception):
    """The upload is not a PDF we can parse."""


class Verdict(StrEnum):
    VALID = "valid"
    MODIFIED = "modified"
    UNTRUSTED = "untrusted"
    ABSENT = "absent"


@dataclass(frozen=True)
class SignatureCheck:
    verdict: Verdict
    signing_certificate: x509.Certificate | None = None
    signed_at: datetime | None = None
    reason: str = ""
    problem: str = ""  # "expired", "revoked", "chain" when untrusted

    @property
    def signed_by(self) -> str:
        return common_name(self.signing_certificate) if self.signing_certificate else ""

    @property
    def reference(self) -> str:
        match = REFERENCE_PATTERN.search(self.reason)
        return match.group(0) if match else ""


def _latest_signature(pdf: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception as error:  # any failure of the parser on an uploaded file means it cannot be read
        raise UnreadablePdf(str(error)) from error
    return signatures[-1] if signatures else None


def _is_unmodified(status: PdfSignatureStatus) -> bool:
    """Nothing but validation data (LTV) was appended after signing; anything else counts as a change."""
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not (status.intact and status.valid):
        return False
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    level = status.modification_level
    return level is not None and level.name in {"NONE", "LTA_UPDATES"}


def _validate(embedded, trust_roots: list[x509.Certificate], *, moment: datetime, fetch_revocation: bool):
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    context = ValidationContext(
        trust_roots=[to_asn1(root) for root in trust_roots],
        moment=moment,
        allow_fetching=fetch_revocation,
        revocation_mode="soft-fail",
        fetcher_backend=AIOHttpFetcherBackend(per_request_timeout=10) if fetch_revocation else None,
    )
    try:
        return outside_event_loop(validate_pdf_signature, embedded, context)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as error:
        raise UnreadablePdf(str(error)) from error


def check_signature(
    pdf: bytes, *, trust_roots: list[x509.Certificate], fetch_revocation: bool = False
) -> SignatureCheck:
    """The verdict on the last signature of `pdf`, validated at its signing time against `trust_roots`."""
    from cryptography import x509

    expiry_problems, revocation_problems = _problems()
    embedded = _latest_signature(pdf)
    if embedded is None:
        return SignatureCheck(verdict=Verdict.ABSENT)
    reason = str(embedded.sig_object.get("/Reason", ""))
    status = _validate(embedded, trust_roots, moment=timezone.now(), fetch_revocation=fetch_revocation)
    timestamp = status.timestamp_validity
    if status.trust_problem_indic in expiry_problems and timestamp is not None and timestamp.trusted:
        # A timestamp proves when the signature existed: the certificate must have been valid then.
        status = _validate(embedded, trust_roots, moment=timestamp.timestamp, fetch_revocation=fetch_revocation)
    certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    result = {"signing_certificate": certificate, "signed_at": signed_at, "reason": reason}
    if not _is_unmodified(status):
        return SignatureCheck(verdict=Verdict.MODIFIED, **result)
    if not status.trusted or not (status.timestamp_validity is None or status.timestamp_validity.trusted):
        problem = status.trust_problem_indic
        if problem in revocation_problems:
            kind = "revoked"
        elif problem in expiry_problems:
            kind = "expired"
        else:
            kind = "chain"
        return SignatureCheck(verdict=Verdict.UNTRUSTED, problem=kind, **result)
    return SignatureCheck(verdict=Verdict.VALID, **result)


def is_department_seal(check: SignatureCheck, *, known_fingerprints: set[str]) -> bool:
    """A valid signature counts as the department's only when made with one of its own certificates."""
    return (
        check.signing_certificate is not None
        and certificate_fingerprint(check.signing_certificate) in known_fingerprints
    )


def tax_codes_of(certificate: x509.Certificate) -> set[str]:
    """The tax codes (MST) a certificate's subject names: `UID=MST:…`, the common name or serialNumber."""
    from cryptography import x509

    found: set[str] = set()
    for oid in (x509.NameOID.USER_ID, x509.NameOID.COMMON_NAME, x509.NameOID.SERIAL_NUMBER):
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            for main, branch in TAX_CODE_PATTERN.findall(str(attribute.value)):
                found.add(f"{main}-{branch}" if branch else main)
    return found
