"""The partnership panel of the back-office dashboard."""

import re

import pytest

from customs_feedback.organization.roles import Role
from tests import factories
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, str]:
    return {label: value for value, label in re.findall(r"<strong>(.*?)</strong><span>(.*?)</span>", html)}


def test_the_partnership_desk_sees_partners_in_force_and_the_review_queue(client, agreement_text, desk):
    factories.active(desk)
    factories.active(desk)
    factories.pending_review()
    factories.sign()
    client.force_login(desk)

    html = client.get("/admin/").content.decode()
    shown = figures(html)

    assert shown["doanh nghiệp đối tác đang hiệu lực"] == "2"
    assert shown["mới trong tháng"] == "2"
    assert shown["chờ thẩm định"] == "1"
    assert shown["chờ xác nhận email"] == "1"
    assert 'href="/admin/partnerships/agreement/?status__exact=pending_review"' in html


def test_branch_staff_have_no_partnership_panel(client, agreement_text, desk):
    factories.active(desk)
    client.force_login(staff_user(Role.BRANCH_OFFICER, branch=BranchFactory()))

    assert "Thỏa thuận hợp tác" not in re.findall(r"<h2>(.*?)</h2>", client.get("/admin/").content.decode())
