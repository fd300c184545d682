"""Certificates built with `cryptography`: the demo department identity, and test CAs and enterprises.

Nothing here is used with a real signing certificate: production loads the department's PKCS#12 file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class KeyPair:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def name(*, common_name: str, organization: str = "", uid: str = "", serial_number: str = "") -> x509.Name:
    """A subject as Vietnamese CAs write it: the tax code as `UID=MST:…` (or in CN / serialNumber)."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if uid:
        attributes.append(x509.NameAttribute(NameOID.USER_ID, uid))
    if serial_number:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    return x509.Name(attributes)


def _builder(subject: x509.Name, issuer: x509.Name, public_key, not_before: datetime, not_after: datetime):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def certificate_authority(subject: x509.Name, *, not_before: datetime, days: int = 3650) -> KeyPair:
    """A self-signed root CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _builder(subject, subject, key.public_key(), not_before, not_before + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key=key, certificate=certificate)


def signing_certificate(
    issuer: KeyPair,
    subject: x509.Name,
    *,
    not_before: datetime,
    days: int = 1095,
    crl_url: str = "",
    timestamping: bool = False,
    rsa_key: bool = False,
) -> KeyPair:
    """An end-entity certificate for document signatures (or for a timestamp authority); EC P-256 or RSA."""
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    builder = (
        _builder(subject, issuer.certificate.subject, key.public_key(), not_before, not_before + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not timestamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if timestamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    return KeyPair(key=key, certificate=builder.sign(issuer.key, hashes.SHA256()))


def revocation_list(issuer: KeyPair, *, revoked: list[x509.Certificate], now: datetime) -> bytes:
    """A DER CRL of `issuer` naming the `revoked` certificates."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(minutes=5))
        .next_update(now + timedelta(days=7))
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(now - timedelta(minutes=1))
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def private_key_pem(pair: KeyPair) -> bytes:
    return pair.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_key_pair(*, certificate_pem: bytes, key_pem: bytes) -> KeyPair:
    key = serialization.load_pem_private_key(key_pem, password=None)
    return KeyPair(key=key, certificate=x509.load_pem_x509_certificate(certificate_pem))  # type: ignore[arg-type]


def pkcs12_bytes(identity: KeyPair, *, chain: list[x509.Certificate], password: str, label: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        label.encode("utf-8"),
        identity.key,
        identity.certificate,
        chain,
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
