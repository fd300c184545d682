"""Sealed certificates and company-signed agreements, with real PDFs, a real CA and pyHanko validation."""

import http.server
import threading
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from pypdf import PdfReader

from customs_feedback.notifications.models import Notification
from partnerships import digital_signing, services
from partnerships.models import AgreementStatus, SignatureMethod
from partnerships.signatures import pki as pki_lib
from partnerships.signatures.identity import department_identity
from tests import factories
from tests.partnerships import pki

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]

TAX_CODE = "0100233488"
VERIFY_URL = "/api/v1/partnerships/verify/"
SIGNED_URL = "/api/v1/partnerships/agreements/signed/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def enterprise_ca(settings, tmp_path):
    """The CA trusted for enterprises' signatures (SIGNATURE_TRUST_ROOTS)."""
    ca = pki.new_ca("Test licensed CA")
    (tmp_path / "roots.pem").write_bytes(ca.certificate_pem())
    settings.SIGNATURE_TRUST_ROOTS = str(tmp_path / "roots.pem")
    return ca


def certificate_pdf(agreement) -> bytes:
    return default_storage.open(agreement.certificate.name).read()


def verify(client, pdf: bytes, name: str = "certificate.pdf"):
    return client.post(
        VERIFY_URL, {"file": SimpleUploadedFile(name, pdf, "application/pdf")}, HTTP_ACCEPT_LANGUAGE="en"
    )


def prefilled(**overrides) -> bytes:
    fields = {
        "tax_code": TAX_CODE,
        "company_name": "Công ty TNHH Vận tải biển Đình Vũ",
        "address": "Số 5 Lê Hồng Phong, Hải Phòng",
        "representative_name": "Nguyễn Văn Hùng",
        "representative_title": "Giám đốc",
        "phone": "0225 3842 123",
        "language": "vi",
        **overrides,
    }
    return digital_signing.prefilled_agreement_pdf(**fields)


def upload_signed(client, pdf: bytes, email: str = "xnk@dinhvu.example.vn", **headers):
    return client.post(
        SIGNED_URL,
        {"file": SimpleUploadedFile("signed.pdf", pdf, "application/pdf"), "email": email, "language": "vi"},
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


# --- sealed certificates ---------------------------------------------------------------------


def test_a_sealed_certificate_validates_and_names_its_agreement_in_force(client, desk):
    agreement = factories.active(desk)

    response = verify(client, certificate_pdf(agreement))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert {k: body[k] for k in ("signature", "reference", "status", "in_force")} == {
        "signature": "valid",
        "reference": agreement.reference,
        "status": "active",
        "in_force": True,
    }
    assert body["signed_by"] == department_identity().subject
    assert body["signed_at"] is not None
    assert agreement.certificate_seal_fingerprint == department_identity().fingerprint


def test_the_certificate_shows_reference_qr_link_and_seal_fingerprint_on_one_page(desk):
    for language in ("vi", "en"):
        agreement = factories.active(desk, language=language)
        reader = PdfReader(default_storage.open(agreement.certificate.name))
        text = reader.pages[0].extract_text().replace("\n", "")

        assert len(reader.pages) == 1
        assert agreement.reference in text
        assert f"/partnerships/verify/{agreement.reference}/" in text
        assert department_identity().fingerprint[:24] in text.replace(" ", "")
        assert {"vi": "THỬ NGHIỆM", "en": "DEMO"}[language] in text


def test_a_suspended_agreement_is_valid_but_not_in_force(client, desk):
    agreement = factories.active(desk)
    services.agreement_suspend(agreement_id=agreement.pk, actor=desk, reason="Vi phạm pháp luật hải quan")

    body = verify(client, certificate_pdf(agreement)).json()

    assert (body["signature"], body["status"], body["in_force"]) == ("valid", "suspended", False)


def test_one_byte_changed_after_sealing_is_reported_as_modified(client, desk):
    agreement = factories.active(desk)

    body = verify(client, pki.change_one_byte_of_content(certificate_pdf(agreement))).json()

    assert body["signature"] == "modified"
    assert (body["reference"], body["status"], body["in_force"]) == (None, None, None)


def test_a_certificate_signed_by_another_ca_is_untrusted(client, desk):
    agreement = factories.active(desk)
    unsealed = services_render_unsealed(agreement)
    impostor_ca = pki.new_ca("Impostor CA")
    impostor = pki_lib.signing_certificate(
        impostor_ca, pki_lib.name(common_name=department_identity().subject), not_before=pki.yesterday()
    )

    body = verify(client, pki.sign_as(unsealed, impostor, impostor_ca)).json()

    assert (body["signature"], body["reference"], body["in_force"]) == ("untrusted", None, None)


def services_render_unsealed(agreement) -> bytes:
    from partnerships.certificates import certificate_render

    return certificate_render(agreement)


def test_an_unsigned_pdf_has_no_seal(client, desk):
    agreement = factories.active(desk)

    body = verify(client, services_render_unsealed(agreement)).json()

    assert body["signature"] == "absent"


def test_a_file_that_is_not_a_pdf_is_refused(client):
    response = verify(client, b"GIF89a not a certificate", "photo.gif")

    assert response.status_code == 400
    assert response.json() == {"file": ["This file is not a PDF document."]}


def test_the_activation_notice_carries_the_sealed_certificate(desk, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        agreement = factories.active(desk)

    activation = [m for m in mailoutbox if agreement.number and str(agreement.number) in m.subject][0]
    (_name, attached, mimetype) = activation.attachments[0]
    assert mimetype == "application/pdf"
    assert attached == certificate_pdf(agreement)
    from partnerships.verification import document_verify

    assert document_verify(pdf=attached).signature == "valid"


def test_lifting_a_suspension_notifies_the_enterprise(desk, mailoutbox, django_capture_on_commit_callbacks):
    agreement = factories.active(desk)
    services.agreement_suspend(agreement_id=agreement.pk, actor=desk, reason="Vi phạm")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_reinstate(agreement_id=agreement.pk, actor=desk, note="Đã khắc phục")

    assert [m.to for m in mailoutbox] == [[agreement.email]]
    assert f"No. {agreement.number}" in mailoutbox[0].subject or str(agreement.number) in mailoutbox[0].subject
    assert "Đã khắc phục" in mailoutbox[0].body
    assert Notification.objects.filter(kind="agreement_reinstated").count() == 1


# --- company-signed agreements ---------------------------------------------------------------


def test_an_agreement_signed_with_the_companys_certificate_goes_straight_to_review(client, enterprise_ca, mailoutbox):
    signer = pki.enterprise_certificate(enterprise_ca, TAX_CODE)
    signed = pki.sign_as(prefilled(), signer, enterprise_ca)

    response = upload_signed(client, signed)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["signature"]) == ("pending_review", "digital")
    agreement = services.Agreement.objects.get(reference=body["reference"])
    assert agreement.signature_method == SignatureMethod.DIGITAL
    assert agreement.enterprise.tax_code == TAX_CODE
    assert agreement.company_name == "Công ty TNHH Vận tải biển Đình Vũ"
    assert default_storage.open(agreement.signed_document.name).read() == signed
    assert "UID=MST:0100233488" in agreement.signer_certificate
    assert mailoutbox == []  # no email round trip
    assert list(agreement.events.values_list("to_status", flat=True)) == ["pending_review"]


def test_a_countersigned_digital_agreement_is_marked_digitally_signed(client, enterprise_ca, desk):
    signer = pki.enterprise_certificate(enterprise_ca, TAX_CODE)
    reference = upload_signed(client, pki.sign_as(prefilled(language="en"), signer, enterprise_ca)).json()["reference"]
    agreement = services.Agreement.objects.get(reference=reference)

    agreement = services.agreement_countersign(agreement_id=agreement.pk, actor=desk)

    text = PdfReader(default_storage.open(agreement.certificate.name)).pages[0].extract_text()
    assert "Doanh nghiệp đã ký số bằng chứng thư số" in text  # the upload chose Vietnamese notices
    page = client.post(
        "/partnerships/verify/",
        {"file": SimpleUploadedFile("c.pdf", certificate_pdf(agreement), "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Digitally signed with the enterprise" in page.content.decode()


@pytest.mark.parametrize("where", ["uid", "common_name", "serial_number"])
def test_the_tax_code_is_found_where_vietnamese_cas_put_it(client, enterprise_ca, where):
    subject = {
        "uid": pki_lib.name(common_name="CÔNG TY ĐÌNH VŨ", uid=f"MST:{TAX_CODE}"),
        "common_name": pki_lib.name(common_name=f"CÔNG TY ĐÌNH VŨ - MST {TAX_CODE}"),
        "serial_number": pki_lib.name(common_name="CÔNG TY ĐÌNH VŨ", serial_number=f"MST:{TAX_CODE}"),
    }[where]
    signer = pki_lib.signing_certificate(enterprise_ca, subject, not_before=pki.yesterday())

    assert upload_signed(client, pki.sign_as(prefilled(), signer, enterprise_ca)).status_code == 201


def test_another_companys_certificate_is_refused_with_a_clear_message(client, enterprise_ca):
    signer = pki.enterprise_certificate(enterprise_ca, "0200519875")

    response = upload_signed(client, pki.sign_as(prefilled(), signer, enterprise_ca))

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "The signing certificate belongs to tax code 0200519875, not to 0100233488, the enterprise named in the "
            "agreement. Please sign with your enterprise's own certificate."
        ]
    }
    assert not services.Agreement.objects.exists()


def test_an_expired_certificate_is_refused(client, enterprise_ca):
    signer = pki.enterprise_certificate(
        enterprise_ca, TAX_CODE, not_before=timezone.now() - timedelta(days=400), days=365
    )
    expiry = timezone.localtime(signer.certificate.not_valid_after_utc).strftime("%d/%m/%Y")

    response = upload_signed(client, pki.sign_as(prefilled(), signer, enterprise_ca))

    assert response.status_code == 400
    assert response.json() == {
        "file": [f"The signing certificate had expired (valid until {expiry}). Please sign with a valid certificate."]
    }


def test_a_certificate_of_an_untrusted_ca_is_refused(client, enterprise_ca):
    other_ca = pki.new_ca("Unlicensed CA")
    signer = pki.enterprise_certificate(other_ca, TAX_CODE)

    response = upload_signed(client, pki.sign_as(prefilled(), signer, other_ca))

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "The signing certificate was not issued by a certification authority the department trusts "
            "(a licensed digital signature provider)."
        ]
    }


class _CrlHandler(http.server.BaseHTTPRequestHandler):
    crl = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/pkix-crl")
        self.end_headers()
        self.wfile.write(self.crl)

    def log_message(self, *args):
        pass


def test_a_revoked_certificate_is_refused_when_its_crl_is_reachable(client, enterprise_ca):
    server = http.server.HTTPServer(("127.0.0.1", 0), _CrlHandler)
    crl_url = f"http://127.0.0.1:{server.server_port}/ca.crl"
    signer = pki.enterprise_certificate(enterprise_ca, TAX_CODE, crl_url=crl_url)
    _CrlHandler.crl = pki_lib.revocation_list(enterprise_ca, revoked=[signer.certificate], now=timezone.now())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        response = upload_signed(client, pki.sign_as(prefilled(), signer, enterprise_ca))
    finally:
        server.shutdown()

    assert response.status_code == 400
    assert response.json() == {"file": ["The signing certificate has been revoked by its certification authority."]}


def test_an_unsigned_or_edited_agreement_is_refused(client, enterprise_ca):
    signer = pki.enterprise_certificate(enterprise_ca, TAX_CODE)
    unsigned = upload_signed(client, prefilled())
    edited = upload_signed(client, pki.sign_as(pki.change_one_byte_of_content(prefilled()), signer, enterprise_ca))
    foreign = upload_signed(client, pki.sign_as(services_render_unsealed_dummy(), signer, enterprise_ca))

    assert unsigned.status_code == 400
    assert unsigned.json()["file"][0].startswith("The file carries no digital signature.")
    for response in (edited, foreign):
        assert response.status_code == 400
        assert response.json()["file"][0].startswith("This file is not the agreement downloaded from this portal")


def services_render_unsealed_dummy() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Một văn bản khác</p>").write_pdf()


def test_an_enterprise_with_an_agreement_in_force_cannot_upload_another(client, enterprise_ca, desk):
    factories.active(desk, tax_code=TAX_CODE)
    signer = pki.enterprise_certificate(enterprise_ca, TAX_CODE)

    response = upload_signed(client, pki.sign_as(prefilled(), signer, enterprise_ca))

    assert response.status_code == 409
    assert response.json()["detail"].startswith("This enterprise already has a partnership agreement in force")
    assert services.Agreement.objects.filter(status=AgreementStatus.PENDING_REVIEW).count() == 0


def bearer_of(tax_code: str) -> dict:
    from partnerships import sign_in
    from partnerships.models import EnterpriseUser, MemberRole
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(tax_code=tax_code)
    member = EnterpriseUser.objects.create(enterprise=enterprise, email=f"ql@{tax_code}.vn", role=MemberRole.MANAGER)
    key, _expires = sign_in.token_issue(member=member)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_signed_in_company_user_uploads_its_own_companys_agreement(client, enterprise_ca):
    signed = pki.sign_as(prefilled(), pki.enterprise_certificate(enterprise_ca, TAX_CODE), enterprise_ca)

    response = upload_signed(client, signed, **bearer_of(TAX_CODE))

    assert response.status_code == 201, response.json()
    assert response.json()["signature"] == "digital"


def test_a_signed_in_user_of_another_company_cannot_upload_it(client, enterprise_ca):
    signed = pki.sign_as(prefilled(), pki.enterprise_certificate(enterprise_ca, TAX_CODE), enterprise_ca)

    response = upload_signed(client, signed, **bearer_of("0200519875"))

    assert response.status_code == 400
    assert response.json() == {"file": ["This agreement names another enterprise than the one you signed in for."]}


def test_a_wrong_bearer_token_is_refused(client, enterprise_ca):
    signed = pki.sign_as(prefilled(), pki.enterprise_certificate(enterprise_ca, TAX_CODE), enterprise_ca)

    response = upload_signed(client, signed, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401
    assert response.json() == {"detail": "This token is not valid or has expired. Please sign in again."}


def test_without_trust_roots_configured_digital_signatures_are_refused(client, settings):
    files = pki.throwaway_signing_files()  # a real seal certificate, so no demo CA stands in as trust root
    settings.CERTIFICATE_SIGNING_P12, settings.CERTIFICATE_SIGNING_PASSWORD = str(files.p12), files.password
    settings.SIGNATURE_TRUST_ROOTS = ""
    ca = pki.new_ca()

    response = upload_signed(client, pki.sign_as(prefilled(), pki.enterprise_certificate(ca, TAX_CODE), ca))

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "The department does not accept digitally signed agreements yet. "
            "Please sign the agreement on the portal instead."
        ]
    }
