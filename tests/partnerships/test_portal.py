import io

import pytest
from pypdf import PdfReader

from partnerships import services
from partnerships.models import Agreement, AgreementStatus
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]


def form(**overrides):
    return {
        "tax_code": "0100233488",
        "company_name": "Công ty TNHH Thủy sản Lạch Huyện",
        "address": "Số 8 Lạch Tray, Hải Phòng",
        "representative_name": "Phạm Minh Tuấn",
        "representative_title": "Giám đốc",
        "email": "tuan@lachhuyen.example.vn",
        "phone": "0904000111",
        "language": "vi",
        "accept_terms": "on",
        **overrides,
    }


def test_the_signing_page_shows_the_current_text(client, agreement_text):
    response = client.get("/partnerships/")

    assert response.status_code == 200
    html = response.content.decode()
    assert agreement_text.body_vi.splitlines()[0] in html
    assert agreement_text.sha256[:16] in html
    assert "Tôi đã đọc thỏa thuận trên" in html


def test_signing_on_the_portal_redirects_to_check_your_email(client, mailoutbox):
    response = client.post("/partnerships/", form(), HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response.url == f"/partnerships/signed/{agreement.reference}/"
    assert agreement.signed_user_agent == "Mozilla/5.0 (iPhone)"
    assert "Vui lòng kiểm tra email" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tax_code": "0100233489"}, "Mã số thuế không hợp lệ: chữ số kiểm tra không khớp."),
        ({"tax_code": "0100233"}, "Mã số thuế gồm 10 chữ số"),
        ({"accept_terms": ""}, "Quý doanh nghiệp cần đồng ý với các điều khoản của thỏa thuận để ký kết."),
    ],
)
def test_bad_input_on_the_portal_is_shown_in_vietnamese_and_saves_nothing(client, changes, message):
    response = client.post("/partnerships/", form(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Agreement.objects.count() == 0


def test_a_second_signing_on_the_portal_while_in_force_is_explained(client, desk):
    factories.active(desk, tax_code="0100233488")

    response = client.post("/partnerships/", form())

    assert response.status_code == 400
    assert "Doanh nghiệp này đã có thỏa thuận hợp tác đang có hiệu lực" in response.content.decode()


def test_opening_the_confirmation_link_changes_nothing(client):
    signed = factories.sign()

    response = client.get(f"/partnerships/confirm/{signed.token}/")

    assert response.status_code == 200
    assert "Xác nhận và gửi xem xét" in response.content.decode()
    signed.agreement.refresh_from_db()
    assert signed.agreement.status == AgreementStatus.PENDING_EMAIL


def test_pressing_the_confirmation_button_confirms_once(client):
    signed = factories.sign()

    response = client.post(f"/partnerships/confirm/{signed.token}/")
    again = client.post(f"/partnerships/confirm/{signed.token}/")

    assert response.status_code == 200
    assert "email đã được xác nhận" in response.content.decode()
    assert again.status_code == 400
    assert "Đường dẫn xác nhận này đã được sử dụng." in again.content.decode()
    assert Agreement.objects.get().status == AgreementStatus.PENDING_REVIEW


def test_the_certificate_pdf_carries_the_number_tax_code_and_text_hash(desk):
    agreement = factories.active(desk, tax_code="0100233488", company_name="Công ty CP Cảng Đình Vũ")

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(agreement.certificate.read())).pages)

    assert f"Số {agreement.number}" in text
    assert "0100233488" in text
    assert "Công ty CP Cảng Đình Vũ" in text
    assert "GIẤY CHỨNG NHẬN" in text.upper()
    assert agreement.template_sha256[:20] in text.replace("\n", "")
    assert f"/partnerships/verify/{agreement.reference}/" in text.replace("\n", "")


def test_the_certificate_is_in_english_for_an_english_agreement(desk):
    agreement = factories.active(desk, language="en")

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(agreement.certificate.read())).pages)

    assert f"No. {agreement.number}" in text
    assert "Party B: the enterprise" in text


def test_the_verification_page_reflects_suspension(client, desk):
    agreement = factories.active(desk)
    url = f"/partnerships/verify/{agreement.reference}/"
    before = client.get(url).content.decode()

    services.agreement_suspend(agreement_id=agreement.pk, actor=desk, reason="Vi phạm")
    after = client.get(url).content.decode()

    assert "Đang có hiệu lực" in before
    assert "Không còn hiệu lực (Tạm dừng)" in after
    assert str(agreement.number) in after


def test_the_verification_page_knows_nothing_of_agreements_never_countersigned(client):
    agreement = factories.pending_review()

    response = client.get(f"/partnerships/verify/{agreement.reference}/")

    assert response.status_code == 404
    assert agreement.company_name not in response.content.decode()


def test_the_signing_page_is_in_the_portal_menu(client):
    assert 'href="/partnerships/"' in client.get("/").content.decode()


def test_the_signing_form_is_throttled_per_client(client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    # The portal form counts against the API's public submission budget ("public_submit").
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "public_submit": "1/hour"}
    )
    first = client.post("/partnerships/", form())
    second = client.post("/partnerships/", form(tax_code="0100233488-001"))

    assert (first.status_code, second.status_code) == (302, 429)
    assert "Quá nhiều yêu cầu" in second.content.decode()
    assert Agreement.objects.count() == 1


def test_an_expired_confirmation_link_opens_an_explanation_without_a_button(client):
    signed = factories.sign()
    Agreement.objects.filter(pk=signed.agreement.pk).update(confirm_expires_at="2020-05-01T00:00:00Z")

    response = client.get(f"/partnerships/confirm/{signed.token}/")

    html = response.content.decode()
    assert response.status_code == 400
    assert "Đường dẫn xác nhận này đã hết hạn. Quý doanh nghiệp vui lòng ký lại." in html
    assert "Xác nhận và gửi xem xét" not in html


def test_the_signing_page_is_in_english_when_chosen(client, agreement_text):
    client.cookies["django_language"] = "en"

    html = client.get("/partnerships/").content.decode()

    assert "Sign the Customs–Business partnership agreement" in html
    assert agreement_text.body_en.splitlines()[0] in html
