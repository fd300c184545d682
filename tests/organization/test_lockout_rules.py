"""Staff sign-in lockout counts per account and per account from one address, never per address alone."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from customs_feedback.organization.roles import Role
from tests.factories import BranchFactory, staff_user
from tests.organization.test_staff_security import sign_in

pytestmark = pytest.mark.django_db

OFFICE_NAT = "203.0.113.7"


def test_failures_on_many_accounts_from_one_address_do_not_lock_the_address(client):
    branch = BranchFactory()
    officers = [staff_user(Role.BRANCH_OFFICER, branch=branch) for _n in range(6)]
    for officer in officers[:5]:
        for _attempt in range(4):
            sign_in(client, officer.username, "wrong-password", REMOTE_ADDR=OFFICE_NAT)

    response = client.post(
        "/admin/login/",
        {"username": officers[5].username, "password": "correct-horse-battery", "next": "/admin/"},
        REMOTE_ADDR=OFFICE_NAT,
    )

    assert response.status_code == 302  # twenty failures behind one NAT lock nobody else out
    assert int(client.session["_auth_user_id"]) == officers[5].pk


def test_an_account_is_locked_from_every_address(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())
    for attempt in range(5):
        client.post(
            "/admin/login/",
            {"username": officer.username, "password": "wrong-password"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        )

    response = client.post(
        "/admin/login/",
        {"username": officer.username, "password": "correct-horse-battery"},
        REMOTE_ADDR="192.0.2.99",
    )

    assert response.status_code == 403


def test_leadership_sees_the_lockout_in_the_admin_and_clearing_it_unlocks(client):
    officer = staff_user(Role.BRANCH_OFFICER, branch=BranchFactory())
    for _attempt in range(5):
        sign_in(client, officer.username, "wrong-password", REMOTE_ADDR=OFFICE_NAT)
    leader = staff_user(Role.DEPARTMENT_LEADERSHIP)
    client.force_login(leader)

    listing = client.get("/admin/axes/accessattempt/")
    attempts = list(AccessAttempt.objects.filter(username=officer.username).values_list("pk", flat=True))
    cleared = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    client.logout()

    assert listing.status_code == 200 and officer.username in listing.content.decode()
    assert cleared.status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert sign_in(client, officer.username, REMOTE_ADDR=OFFICE_NAT).status_code == 302
