from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from customs_feedback.organization.roles import Role
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/", **extra})


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():06d}"


def test_five_failed_sign_ins_lock_the_account_with_a_clear_message(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())
    for _attempt in range(4):
        assert sign_in(client, officer.username, "wrong-password").status_code == 200

    fifth = sign_in(client, officer.username, "wrong-password")
    sixth = sign_in(client, officer.username)  # even the right password is refused now

    assert fifth.status_code == sixth.status_code == 403
    assert "Tài khoản đã bị khóa sau 5 lần đăng nhập không thành công" in fifth.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failed_sign_ins_do_not_lock_the_account(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())
    for _attempt in range(4):
        sign_in(client, officer.username, "wrong-password")

    response = sign_in(client, officer.username)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == officer.pk


def test_an_account_with_an_authenticator_needs_its_code(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)

    without_code = sign_in(client, officer.username)
    wrong_code = sign_in(client, officer.username, otp_token="000000" if current_code(device) != "000000" else "111111")

    assert "Nhập mã 6 chữ số từ ứng dụng xác thực" in without_code.content.decode()
    assert "Mã không hợp lệ" in wrong_code.content.decode()
    assert "_auth_user_id" not in client.session

    device.refresh_from_db()
    device.throttle_reset()  # a wrong code slows the next try down by a second or more
    response = sign_in(client, officer.username, otp_token=current_code(device))

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_account_without_an_authenticator_signs_in_with_its_password(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())

    assert sign_in(client, officer.username).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_department_leadership_must_set_up_two_factor_sign_in(client):
    leader = staff_user(Role.DEPARTMENT_LEADERSHIP)
    sign_in(client, leader.username)

    held = client.get("/admin/")
    assert held.status_code == 302
    assert held["Location"] == "/admin/two-factor/"

    client.post("/admin/two-factor/", {"action": "start"})
    page = client.get("/admin/two-factor/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=leader, confirmed=False)

    refused = client.post("/admin/two-factor/", {"action": "confirm", "token": "12345"})
    assert "Nhập đủ 6 chữ số" in refused.content.decode()
    confirmed = client.post("/admin/two-factor/", {"action": "confirm", "token": current_code(device)})

    assert confirmed["Location"] == "/admin/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 200


def test_an_idle_staff_session_ends(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session["staff_last_seen"] = (timezone.now() - timedelta(minutes=31)).isoformat()
    session.save()

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert "Phiên làm việc đã kết thúc" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_staff_session_ends_after_its_absolute_lifetime_even_when_active(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())
    client.force_login(officer)
    client.get("/admin/")
    session = client.session
    session["staff_session_started"] = (timezone.now() - timedelta(hours=10, minutes=1)).isoformat()
    session.save()

    assert client.get("/admin/")["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("password", ["12345678901", "password123", "haiquan"])
def test_weak_staff_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_two_factor_set_up_shows_the_key_to_type_by_hand(client):
    from base64 import b32encode

    user = staff_user(Role.BRANCH_LEADER)
    client.force_login(user)
    client.post("/admin/two-factor/", {"action": "start"})

    page = client.get("/admin/two-factor/").content.decode()

    key = b32encode(TOTPDevice.objects.get(user=user, confirmed=False).bin_key).decode().rstrip("=")
    shown = page.split('id="two-factor-key">')[1].split("<")[0]
    assert shown.replace(" ", "") == key
    assert 'role="img" aria-label=' in page
