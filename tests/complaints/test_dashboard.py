"""The inquiries panel of the back-office dashboard: figures from the user's scope only."""

import re

import pytest

from complaints import services
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, str]:
    return {label: value for value, label in re.findall(r"<strong>(.*?)</strong><span>(.*?)</span>", html)}


def test_a_branch_leader_sees_the_inquiries_of_their_branch_only(client, submit, leader, desk, branch):
    other = BranchFactory(code="03ZZ")
    ours = [submit(subject=f"Của chi cục {number}") for number in range(2)]
    theirs = submit(subject="Chi cục khác")
    for inquiry in ours:
        services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=None, actor=desk)
    services.inquiry_assign(inquiry_id=theirs.pk, branch_id=other.pk, assignee_id=None, actor=desk)
    client.force_login(leader)

    shown = figures(client.get("/admin/").content.decode())

    assert shown["tiếp nhận (12 tháng)"] == "2"
    assert shown["quá hạn"] == "0"


def test_the_inquiry_desk_sees_every_inquiry_and_links_to_the_overdue_queue(client, submit, desk):
    submit()
    submit(subject="Hai")
    client.force_login(desk)

    html = client.get("/admin/").content.decode()

    assert figures(html)["tiếp nhận (12 tháng)"] == "2"
    assert 'href="/admin/complaints/inquiry/?queue=overdue"' in html
    assert "Vướng mắc tiếp nhận theo tháng" in html
