"""The portal pages of the digitally signed MoU, with the demo CA of the embedded default."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from partnerships.models import Agreement, AgreementStatus, SignatureMethod

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]

DETAILS = {
    "tax_code": "0100233488",
    "company_name": "Công ty CP Cảng Đình Vũ",
    "address": "Số 1 Đình Vũ, Hải Phòng",
    "representative_name": "Nguyễn Văn Hùng",
    "representative_title": "Giám đốc",
    "phone": "0225 3842 123",
    "language": "vi",
}


def sign_with_p12(pdf: bytes, p12: bytes, password: str) -> bytes:
    signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=password.encode())
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def test_download_sign_with_a_demo_certificate_and_upload_on_the_portal(client, tmp_path):
    page = client.get("/partnerships/digital/")
    assert page.status_code == 200
    download = client.get("/partnerships/digital/agreement.pdf", DETAILS)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    call_command(
        "create_demo_enterprise_certificate", "0100233488", "--out", str(tmp_path / "dn.p12"), "--password", "pw",
        stdout=io.StringIO(),
    )  # fmt: skip
    signed = sign_with_p12(download.content, (tmp_path / "dn.p12").read_bytes(), "pw")

    response = client.post(
        "/partnerships/digital/",
        {
            "file": SimpleUploadedFile("signed.pdf", signed, "application/pdf"),
            "email": "dn@dinhvu.vn",
            "language": "vi",
        },
    )

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/partnerships/digital/received/{agreement.reference}/"
    assert (agreement.status, agreement.signature_method) == (AgreementStatus.PENDING_REVIEW, SignatureMethod.DIGITAL)
    assert agreement.company_name == "Công ty CP Cảng Đình Vũ"
    assert agreement.email == "dn@dinhvu.vn"
    received = client.get(response["Location"])
    assert agreement.reference in received.content.decode()


def test_the_download_form_refuses_an_invalid_tax_code_with_its_message(client):
    response = client.get("/partnerships/digital/agreement.pdf", {**DETAILS, "tax_code": "0100233489"})

    assert response.status_code == 400
    assert "Mã số thuế không hợp lệ: chữ số kiểm tra không khớp." in response.content.decode()


def test_uploading_an_unsigned_agreement_on_the_portal_shows_why_it_is_refused(client):
    pdf = client.get("/partnerships/digital/agreement.pdf", DETAILS).content

    response = client.post(
        "/partnerships/digital/",
        {"file": SimpleUploadedFile("a.pdf", pdf, "application/pdf"), "email": "dn@dinhvu.vn", "language": "vi"},
    )

    assert response.status_code == 400
    assert "Tệp chưa có chữ ký số." in response.content.decode()
    assert not Agreement.objects.exists()
