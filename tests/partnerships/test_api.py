import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from partnerships.models import Agreement, AgreementStatus, Enterprise
from tests import factories
from tests.factories import staff_user, valid_tax_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]

SIGN = "/api/v1/partnerships/agreements/"
CONFIRM = "/api/v1/partnerships/agreements/confirm/"


def payload(**overrides):
    return {
        "tax_code": "0100233488",
        "company_name": "Công ty TNHH Logistics Cát Hải",
        "address": "Số 12 Trần Phú, Ngô Quyền, Hải Phòng",
        "representative_name": "Trần Thị Lan",
        "representative_title": "Tổng giám đốc",
        "email": "lan@cathai.example.vn",
        "phone": "0912345678",
        "language": "vi",
        "accept_terms": True,
        **overrides,
    }


@pytest.fixture
def client():
    return APIClient()


def test_signing_answers_201_with_the_reference_and_mails_the_link(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGN, payload(), format="json", HTTP_USER_AGENT="ECUS5/1.0", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 201
    agreement = Agreement.objects.get()
    assert response.json() == {"reference": agreement.reference, "status": "pending_email"}
    assert (agreement.signed_ip, agreement.signed_user_agent) == ("10.1.2.3", "ECUS5/1.0")
    assert [m.to for m in mailoutbox] == [["lan@cathai.example.vn"]]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"tax_code": "0100233489"}, {"tax_code": ["Mã số thuế không hợp lệ: chữ số kiểm tra không khớp."]}),
        ({"tax_code": "123"}, {"tax_code": ["Mã số thuế gồm 10 chữ số"]}),
        ({"accept_terms": False}, {"accept_terms": ["Quý doanh nghiệp cần đồng ý"]}),
        ({"email": "không-phải-email"}, {"email": ["Nhập một địa chỉ email hợp lệ."]}),
    ],
)
def test_bad_signing_input_is_answered_400_in_vietnamese_and_saves_nothing(client, changes, errors):
    response = client.post(SIGN, payload(**changes), format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == set(errors)
    for field, (start,) in errors.items():
        assert body[field][0].startswith(start), body
    assert (Agreement.objects.count(), Enterprise.objects.count()) == (0, 0)


def test_bad_signing_input_is_answered_in_english_when_asked(client):
    response = client.post(SIGN, payload(tax_code="0100233489"), format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json() == {
        "tax_code": ["This tax code is not valid: its check digit does not match. Please check it."]
    }


def test_a_second_signing_while_one_is_in_force_answers_409(client, desk):
    agreement = factories.active(desk, tax_code="0100233488")

    response = client.post(SIGN, payload(), format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Doanh nghiệp này đã có thỏa thuận hợp tác đang có hiệu lực (số {agreement.number})."
    }
    assert Agreement.objects.count() == 1


def test_signing_is_throttled(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = {**ScopedRateThrottle.THROTTLE_RATES, "public_submit": "2/hour"}
    try:
        codes = [
            client.post(SIGN, payload(tax_code=valid_tax_code(seed)), format="json").status_code for seed in range(3)
        ]
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [201, 201, 429]


def test_confirming_answers_200_with_pending_review(client):
    signed = factories.sign()

    response = client.post(CONFIRM, {"token": signed.token}, format="json")

    assert response.status_code == 200
    assert response.json() == {"reference": signed.agreement.reference, "status": "pending_review"}


def test_a_used_token_answers_400_with_a_clear_message(client):
    signed = factories.sign()
    client.post(CONFIRM, {"token": signed.token}, format="json")

    response = client.post(CONFIRM, {"token": signed.token}, format="json")

    assert response.status_code == 400
    assert response.json() == {"token": ["Đường dẫn xác nhận này đã được sử dụng."]}


def test_an_expired_token_answers_400_with_a_clear_message(client):
    signed = factories.sign()
    Agreement.objects.filter(pk=signed.agreement.pk).update(confirm_expires_at="2020-05-01T00:00:00Z")

    response = client.post(CONFIRM, {"token": signed.token}, format="json")

    assert response.status_code == 400
    assert response.json() == {"token": ["Đường dẫn xác nhận này đã hết hạn. Quý doanh nghiệp vui lòng ký lại."]}
    assert Agreement.objects.get().status == AgreementStatus.PENDING_EMAIL


def countersign_url(agreement):
    return f"/api/v1/partnerships/agreements/{agreement.reference}/countersign/"


def test_staff_countersign_with_a_token_and_get_the_number(client, desk):
    agreement = factories.pending_review()
    token = Token.objects.create(user=desk)

    response = client.post(countersign_url(agreement), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    agreement.refresh_from_db()
    assert response.json() == {"status": "active", "number": agreement.number}


def test_leadership_may_countersign_with_a_session(client, leadership):
    agreement = factories.pending_review()
    client.force_login(leadership)

    response = client.post(countersign_url(agreement))

    assert response.status_code == 200


def test_countersigning_an_agreement_not_waiting_for_review_answers_409(client, desk):
    agreement = factories.sign().agreement
    client.force_login(desk)

    response = client.post(countersign_url(agreement))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Chỉ có thể ký xác nhận thỏa thuận đang chờ xem xét; thỏa thuận này đang ở trạng thái "
        "“Chờ xác nhận email”."
    }


def test_anonymous_and_other_staff_cannot_countersign(client):
    agreement = factories.pending_review()

    anonymous = client.post(countersign_url(agreement))
    client.force_login(staff_user("inquiry_desk"))
    other_desk = client.post(countersign_url(agreement))

    assert (anonymous.status_code, other_desk.status_code) == (403, 403)
    assert Agreement.objects.get().status == AgreementStatus.PENDING_REVIEW


def test_countersigning_an_unknown_reference_answers_404(client, desk):
    client.force_login(desk)

    response = client.post("/api/v1/partnerships/agreements/MOU-NOPE/countersign/")

    assert response.status_code == 404


def test_public_statistics_count_agreements_in_force_by_month(client, desk):
    factories.active(desk)
    suspended = factories.active(desk)
    from partnerships.services import agreement_suspend

    agreement_suspend(agreement_id=suspended.pk, actor=desk, reason="Tạm dừng")
    factories.pending_review()
    Agreement.objects.filter(pk=suspended.pk).update(activated_at="2020-05-15T03:00:00Z")

    response = client.get("/api/v1/partnerships/stats/")

    assert response.status_code == 200
    body = response.json()
    assert body["active"] == 1
    assert body["signed_by_month"][0] == {"month": "2020-05", "count": 1}
    assert sum(row["count"] for row in body["signed_by_month"]) == 2
