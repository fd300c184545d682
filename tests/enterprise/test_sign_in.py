"""Passwordless sign-in: same answer for every email, a six-digit code, 5 tries then dead, throttled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from customs_feedback.notifications.models import Notification
from partnerships.models import EnterpriseUser, MemberStatus, SignInCode
from tests.enterprise.conftest import last_code, make_member

pytestmark = pytest.mark.django_db

SIGN_IN = "/api/v1/enterprise/sign-in/"
VERIFY = "/api/v1/enterprise/sign-in/verify/"


def post(client, path, data):
    return client.post(path, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def ask_code(client, company):
    """The company's registered contact asks for a sign-in code."""
    return post(client, SIGN_IN, {"tax_code": company.tax_code, "email": company.email})


def verify(client, company, code: str):
    """The company's registered contact exchanges `code` for a token."""
    return post(client, VERIFY, {"tax_code": company.tax_code, "email": company.email, "code": code})


def test_the_answer_is_identical_for_a_registered_and_an_unregistered_email(client, company):
    registered = ask_code(client, company)
    unregistered = post(client, SIGN_IN, {"tax_code": company.tax_code, "email": "stranger@example.vn"})
    unknown_company = post(client, SIGN_IN, {"tax_code": "0200519875", "email": company.email})

    assert registered.status_code == unregistered.status_code == unknown_company.status_code == 202
    assert registered.content == unregistered.content == unknown_company.content
    assert list(Notification.objects.values_list("recipient", flat=True)) == [company.email]


def test_the_portal_sign_in_page_answers_identically_too(client, company):
    pages = []
    for email in (company.email, "stranger@example.vn"):
        client.post("/doanh-nghiep/dang-nhap/", {"tax_code": company.tax_code, "email": email})
        page = client.get("/doanh-nghiep/dang-nhap/ma/", HTTP_ACCEPT_LANGUAGE="en")
        without_csrf_token = re.sub(r'value="[A-Za-z0-9]{64}"', "", page.content.decode())
        pages.append(without_csrf_token.replace(email, "EMAIL"))
    assert pages[0] == pages[1]


def test_the_registered_contact_signs_in_with_the_emailed_code_and_becomes_manager(client, company):
    post(client, SIGN_IN, {"tax_code": company.tax_code, "email": company.email.upper()})
    response = verify(client, company, last_code(company.email))

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at"}
    member = EnterpriseUser.objects.get()
    assert (member.email, member.role, member.is_representative) == (company.email, "manager", True)
    me = client.get("/api/v1/enterprise/me/", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    assert me.json()["tax_code"] == company.tax_code
    assert me.json()["role"] == "manager"


def test_a_code_works_once(client, company):
    ask_code(client, company)
    code = last_code(company.email)
    assert verify(client, company, code).status_code == 200
    again = verify(client, company, code)
    assert again.status_code == 400
    assert "wrong or no longer valid" in again.json()["code"][0]


def test_the_sixth_wrong_code_is_refused_and_the_code_stops_working(client, company):
    ask_code(client, company)
    code = last_code(company.email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _attempt in range(5):
        response = verify(client, company, wrong)
        assert response.status_code == 400
    sixth = verify(client, company, wrong)
    assert sixth.status_code == 400
    assert "stops working after 5 wrong tries" in sixth.json()["code"][0]

    right = verify(client, company, code)
    assert right.status_code == 400
    assert "wrong or no longer valid" in right.json()["code"][0]
    assert SignInCode.objects.get().failed_attempts == 5


def test_a_code_expires_after_ten_minutes(client, company):
    ask_code(client, company)
    code = last_code(company.email)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = verify(client, company, code)
    assert response.status_code == 400
    assert "wrong or no longer valid" in response.json()["code"][0]


def test_only_the_latest_code_works(client, company):
    ask_code(client, company)
    first = last_code(company.email)
    ask_code(client, company)
    second = last_code(company.email)
    if first != second:
        stale = verify(client, company, first)
        assert stale.status_code == 400
    assert verify(client, company, second).status_code == 200


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"tax_code": "0100233489", "email": "a@example.vn"}, "tax_code", "tax code"),
        ({"tax_code": "0100233488", "email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, company, payload, field, message):
    response = post(client, SIGN_IN, payload)
    assert response.status_code == 400
    assert message in response.json()[field][0].lower()


def test_wrong_shape_of_code_is_a_400(client, company):
    response = verify(client, company, "12ab56")
    assert response.status_code == 400
    assert response.json()["code"] == ["The code has six digits."]


def test_sign_in_is_throttled_per_address_and_per_tax_code(client, company, settings):
    settings.ENTERPRISE_SIGN_IN_PER_ADDRESS_HOURLY = 2
    settings.ENTERPRISE_SIGN_IN_PER_TAX_CODE_HOURLY = 3
    for _attempt in range(2):
        assert ask_code(client, company).status_code == 202
    per_address = ask_code(client, company)
    assert per_address.status_code == 429
    assert per_address.json()["detail"] == "Too many sign-in attempts. Please wait an hour and try again."
    # Another address of the same company: the tax code's own budget (3) runs out on the next request.
    other = post(client, SIGN_IN, {"tax_code": company.tax_code, "email": "x@example.vn", "ip": "1"})
    assert other.status_code == 429
    assert Notification.objects.filter(kind="enterprise_sign_in_code").count() == 2


def test_a_removed_user_gets_no_code_and_loses_their_session(client, company, manager):
    colleague = make_member(company, "thu@cangdinhvu.example.vn", role="declarant", status=MemberStatus.REMOVED)
    post(client, SIGN_IN, {"tax_code": company.tax_code, "email": colleague.email})
    assert not Notification.objects.filter(recipient=colleague.email).exists()


def test_a_staff_session_never_acts_as_an_enterprise(client, company, manager, admin_user):
    from partnerships.middleware import SESSION_KEY

    client.force_login(admin_user)
    session = client.session
    session[SESSION_KEY] = manager.pk
    session.save()
    assert client.get("/doanh-nghiep/").status_code == 302
    page = client.post(
        "/doanh-nghiep/dang-nhap/", {"tax_code": company.tax_code, "email": company.email}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 403
    assert "Staff accounts never act for an enterprise" in page.content.decode()


def test_an_enterprise_user_never_reaches_the_admin(company, manager):
    from tests.enterprise.conftest import signed_in

    client = signed_in(manager)
    assert client.get("/doanh-nghiep/").status_code == 200
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_portal_sign_in_with_the_code_starts_a_session(client, company):
    client.post("/doanh-nghiep/dang-nhap/", {"tax_code": company.tax_code, "email": company.email})
    wrong = client.post(
        "/doanh-nghiep/dang-nhap/ma/", {"code": "000000" if last_code(company.email) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    response = client.post("/doanh-nghiep/dang-nhap/ma/", {"code": last_code(company.email)})
    assert response.status_code == 302
    assert response["Location"] == "/doanh-nghiep/"
    assert client.get("/doanh-nghiep/").status_code == 200


@pytest.mark.usefixtures("agreement_text")
def test_an_unconfirmed_signing_does_not_make_its_email_a_contact(client):
    from tests.factories import sign

    signed = sign(tax_code="0200519875", email="intruder@example.vn")
    assert signed.agreement.enterprise.email == "intruder@example.vn"  # the registry took it as a default
    post(client, SIGN_IN, {"tax_code": "0200519875", "email": "intruder@example.vn"})
    assert not Notification.objects.filter(kind="enterprise_sign_in_code").exists()
    assert not EnterpriseUser.objects.exists()


def test_the_contact_staff_set_becomes_the_representative(client, company, manager):
    company.email = "giamdoc.moi@cangdinhvu.example.vn"
    company.save()
    ask_code(client, company)
    response = verify(client, company, last_code(company.email))
    assert response.status_code == 200
    representatives = EnterpriseUser.objects.filter(enterprise=company, is_representative=True)
    assert list(representatives.values_list("email", flat=True)) == [company.email]
    manager.refresh_from_db()
    assert (manager.role, manager.is_representative) == ("manager", False)
