"""PAdES B-T: with CERTIFICATE_TSA_URL set, the seal carries a timestamp from that authority (over real HTTP)."""

import http.server
import io
import threading
from datetime import timedelta

import pytest
from asn1crypto import keys, tsp
from cryptography.hazmat.primitives import serialization
from django.core.files.storage import default_storage
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from partnerships.signatures import pki as pki_lib
from partnerships.signatures.identity import to_asn1
from partnerships.verification import document_verify
from tests import factories
from tests.partnerships import pki

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]
STAMP_TIME = timezone.now().replace(microsecond=0) - timedelta(minutes=3)


def timestamp_authority(ca: pki_lib.KeyPair) -> http.server.HTTPServer:
    """An RFC 3161 server: pyHanko's test timestamper answering over HTTP with a certificate of `ca`."""
    tsa = pki_lib.signing_certificate(  # pyHanko's test timestamper signs with RSA only
        ca, pki_lib.name(common_name="Test TSA"), not_before=pki.yesterday(), timestamping=True, rsa_key=True
    )
    key_der = tsa.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    stamper = DummyTimeStamper(
        tsa_cert=to_asn1(tsa.certificate),
        tsa_key=keys.PrivateKeyInfo.load(key_der),
        certs_to_embed=[to_asn1(ca.certificate)],
        fixed_dt=STAMP_TIME,
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            answer = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    return http.server.HTTPServer(("127.0.0.1", 0), Handler)


def test_with_a_timestamp_authority_the_seal_is_pades_b_t_and_validates(settings, tmp_path, desk):
    ca = pki.new_ca("Department test CA")
    seal = pki_lib.signing_certificate(ca, pki_lib.name(common_name="Cục Hải quan (test)"), not_before=pki.yesterday())
    settings.CERTIFICATE_SIGNING_P12 = str(pki.write_p12(tmp_path / "department.p12", seal, ca))
    settings.CERTIFICATE_SIGNING_PASSWORD = "secret-pass"
    server = timestamp_authority(ca)
    settings.CERTIFICATE_TSA_URL = f"http://127.0.0.1:{server.server_port}/tsa"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        agreement = factories.active(desk)
    finally:
        server.shutdown()

    pdf = default_storage.open(agreement.certificate.name).read()
    (embedded,) = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[to_asn1(ca.certificate)]))
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted  # B-T: a signature timestamp
    result = document_verify(pdf=pdf)
    assert (result.signature, result.reference, result.in_force, result.demo_seal) == (
        "valid",
        agreement.reference,
        True,
        False,
    )
    assert result.signed_at == STAMP_TIME  # the time the authority vouches for
    assert result.signed_by == "Cục Hải quan (test)"
