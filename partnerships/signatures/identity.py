"""The department's signing identity: the PKCS#12 of the environment, or a demo one generated under var/."""

from __future__ import annotations

import fcntl
import functools
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

# cryptography, asn1crypto and pyHanko are imported where used: every process that loads the admin imports
# this module (through the certificate service), and pyHanko alone costs a command a large part of its start.
if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from pyhanko.sign import signers

    from partnerships.signatures import pki

DEMO_PASSWORD = "demo-only"  # noqa: S105 - protects a demo key that is marked as a demo everywhere
DEMO_FILE = "department-demo.p12"
DEMO_CA_FILE = "demo-ca.pem"
DEMO_CA_KEY_FILE = "demo-ca-key.pem"


class SigningUnavailable(Exception):
    """Sealing is switched off (CERTIFICATE_SIGNING=off)."""


@dataclass(frozen=True)
class SigningIdentity:
    signer: signers.SimpleSigner
    certificate: x509.Certificate
    roots: tuple[x509.Certificate, ...]  # the chain's self-signed certificates: the anchors of our own seals
    is_demo: bool

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the signing certificate (DER), as shown on every certificate PDF."""
        return certificate_fingerprint(self.certificate)

    @property
    def subject(self) -> str:
        return common_name(self.certificate)


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    from cryptography.hazmat.primitives import serialization

    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()


def common_name(certificate: x509.Certificate) -> str:
    from cryptography import x509

    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _demo_p12(directory: Path) -> Path:
    """Generate the demo CA and department certificate once (a lock keeps two processes from racing).

    The demo CA's key stays beside it, so `create_demo_enterprise_certificate` can issue test certificates
    of enterprises for trying the digital signing; all of it is marked DEMO / THỬ NGHIỆM.
    """
    from partnerships.signatures import pki

    directory.mkdir(parents=True, exist_ok=True)
    target = directory / DEMO_FILE
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            now = timezone.now() - timedelta(days=1)
            ca = pki.certificate_authority(
                pki.name(common_name="DEMO CA – THỬ NGHIỆM (customs_feedback)", organization="DEMO"),
                not_before=now,
            )
            department = pki.signing_certificate(
                ca,
                pki.name(common_name="DEMO – Cục Hải quan Hải Phòng (THỬ NGHIỆM)", organization="DEMO"),
                not_before=now,
                days=3000,
            )
            (directory / DEMO_CA_FILE).write_bytes(ca.certificate_pem())
            (directory / DEMO_CA_KEY_FILE).write_bytes(pki.private_key_pem(ca))
            partial = target.with_suffix(".tmp")
            partial.write_bytes(
                pki.pkcs12_bytes(department, chain=[ca.certificate], password=DEMO_PASSWORD, label="department demo")
            )
            partial.replace(target)
    return target


def demo_certificate_authority() -> pki.KeyPair:
    """The demo CA (only in the embedded default, where it is also the trust root of enterprises' signatures)."""
    from partnerships.signatures import pki

    directory = Path(settings.CERTIFICATE_SIGNING_DEMO_DIR)
    _demo_p12(directory)
    return pki.load_key_pair(
        certificate_pem=(directory / DEMO_CA_FILE).read_bytes(), key_pem=(directory / DEMO_CA_KEY_FILE).read_bytes()
    )


def _load(data: bytes, password: str, *, is_demo: bool) -> SigningIdentity:
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    try:
        _key, certificate, chain = pkcs12.load_key_and_certificates(data, password.encode("utf-8") or None)
    except ValueError as error:
        raise ValueError(f"cannot open the PKCS#12 file ({error})") from error
    if certificate is None:
        raise ValueError("the PKCS#12 file holds no certificate")
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode("utf-8") or None)
    roots = tuple(cert for cert in chain if cert.subject == cert.issuer) or (certificate,)
    return SigningIdentity(signer=signer, certificate=certificate, roots=roots, is_demo=is_demo)


@functools.cache
def _identity(p12_path: str, password: str, demo_dir: str) -> SigningIdentity:
    if p12_path:
        return _load(Path(p12_path).read_bytes(), password, is_demo=False)
    return _load(_demo_p12(Path(demo_dir)).read_bytes(), DEMO_PASSWORD, is_demo=True)


def department_identity() -> SigningIdentity:
    """The identity certificates are sealed with (loaded once per process)."""
    if not settings.CERTIFICATE_SIGNING:
        raise SigningUnavailable("CERTIFICATE_SIGNING is off")
    return _identity(
        str(settings.CERTIFICATE_SIGNING_P12 or ""),
        settings.CERTIFICATE_SIGNING_PASSWORD,
        str(settings.CERTIFICATE_SIGNING_DEMO_DIR),
    )


def enterprise_trust_roots() -> list[x509.Certificate]:
    """The CAs trusted for enterprises' signatures: SIGNATURE_TRUST_ROOTS, or in the demo the demo CA."""
    from cryptography import x509

    if settings.SIGNATURE_TRUST_ROOTS:
        return x509.load_pem_x509_certificates(Path(settings.SIGNATURE_TRUST_ROOTS).read_bytes())
    if settings.CERTIFICATE_SIGNING and not settings.CERTIFICATE_SIGNING_P12:
        return list(department_identity().roots)
    return []
