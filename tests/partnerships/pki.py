"""Test PKI built with `cryptography`: a CA, the department's certificate, enterprises' certificates."""

from __future__ import annotations

import io
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from partnerships.signatures import pki


def yesterday() -> datetime:
    return timezone.now() - timedelta(days=1)


def new_ca(label: str = "Test Root CA") -> pki.KeyPair:
    return pki.certificate_authority(pki.name(common_name=label, organization="Test PKI"), not_before=yesterday())


def enterprise_certificate(
    ca: pki.KeyPair, tax_code: str, *, not_before: datetime | None = None, days: int = 365, crl_url: str = ""
) -> pki.KeyPair:
    """As Vietnamese CAs issue them: the tax code in UID=MST:…, the company name as common name."""
    subject = pki.name(common_name=f"CÔNG TY TNHH THỬ NGHIỆM {tax_code}", uid=f"MST:{tax_code}")
    return pki.signing_certificate(ca, subject, not_before=not_before or yesterday(), days=days, crl_url=crl_url)


def write_p12(path: Path, identity: pki.KeyPair, ca: pki.KeyPair, password: str = "secret-pass") -> Path:  # noqa: S107
    path.write_bytes(pki.pkcs12_bytes(identity, chain=[ca.certificate], password=password, label="test"))
    return path


def sign_as(pdf: bytes, identity: pki.KeyPair, ca: pki.KeyPair) -> bytes:
    """Sign `pdf` as the enterprise's signing software would: a PAdES signature in an incremental update."""
    data = pki.pkcs12_bytes(identity, chain=[ca.certificate], password="x", label="enterprise")
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=b"x")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(field_name="Enterprise", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def change_one_byte_of_content(pdf: bytes) -> bytes:
    """Flip one byte inside the first page content stream (the file still parses; the digest no longer matches)."""
    start = pdf.index(b"stream", pdf.index(b"/Length")) + len(b"stream\n") + 20
    return pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1 :]


@dataclass(frozen=True)
class SigningFiles:
    p12: Path
    password: str
    ca_pem: Path


def throwaway_signing_files() -> SigningFiles:
    """A test CA and seal certificate on disk, as an operator would configure them (no Django needed)."""
    directory = Path(tempfile.mkdtemp(prefix="cf-signing-"))
    start = datetime.now(tz=UTC) - timedelta(days=1)
    ca = pki.certificate_authority(pki.name(common_name="Throwaway test CA"), not_before=start)
    seal = pki.signing_certificate(ca, pki.name(common_name="Throwaway department seal"), not_before=start)
    password = secrets.token_urlsafe(12)
    (directory / "ca.pem").write_bytes(ca.certificate_pem())
    write_p12(directory / "department.p12", seal, ca, password)
    return SigningFiles(p12=directory / "department.p12", password=password, ca_pem=directory / "ca.pem")
