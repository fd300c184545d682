"""A branch leader's morning: the dashboard's figures, the overdue case behind one of them, closed."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from customs_feedback.organization.roles import Role
from ratings.models import CaseStatus, Conclusion, FollowUpCase, Rating
from ratings.tasks import rollup_rebuild_task
from tests.factories import (
    BranchFactory,
    DeclarationFactory,
    EnterpriseFactory,
    OfficialFactory,
    TeamFactory,
    staff_user,
)
from tests.ratings.conftest import rate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def dashboard_figures(page) -> dict[str, str]:
    return {
        figure.locator("span").inner_text(): figure.locator("strong").inner_text()
        for figure in page.locator(".dashboard-figure").all()
    }


def test_a_branch_leader_follows_the_dashboard_to_an_overdue_case_and_closes_it(desktop_page):
    page = desktop_page
    branch = BranchFactory(code="03CC", name_vi="Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I")
    leader = staff_user(Role.BRANCH_LEADER, branch=branch)
    official = OfficialFactory(team=TeamFactory(branch=branch), branch=branch)
    complainant = EnterpriseFactory(email="xnk@cang-xanh.example.vn", name_vi="Công ty CP Cảng Xanh")
    rate(DeclarationFactory(official=official), official=5, team=5, branch=5)
    rate(DeclarationFactory(official=official, enterprise=complainant), official=1, team=2, branch=3,
         reason="attitude", comment="Cán bộ không hướng dẫn.")  # fmt: skip
    other_branch = OfficialFactory(team=TeamFactory(branch=BranchFactory(code="03ZZ")))
    rate(DeclarationFactory(official=other_branch), official=1, team=1, branch=1, reason="delay")
    # Overdue, and the official let the time to explain pass: the leader may conclude.
    FollowUpCase.objects.update(
        due_date=timezone.localdate() - timedelta(days=2), explanation_due=timezone.localdate() - timedelta(days=3)
    )
    rollup_rebuild_task()
    case = FollowUpCase.objects.get(branch=official.branch)

    page.goto("/admin/login/")
    page.fill("#id_username", leader.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")

    shown = dashboard_figures(page)
    assert shown["lượt đánh giá"] == str(Rating.objects.filter(branch=official.branch).count())
    assert shown["vụ việc quá hạn"] == "1"  # the other branch's overdue case is not counted

    page.get_by_role("link", name=re.compile("vụ việc quá hạn")).click()
    page.get_by_role("link", name=case.reference).click()
    page.fill("#id_findings", "Đã làm việc với cán bộ và doanh nghiệp; phản ánh đúng.")
    page.select_option("#id_conclusion", Conclusion.SUBSTANTIATED)
    page.select_option("#id_measure", "reminder")
    page.fill("#id_action_taken", "Nhắc nhở cán bộ, tổ chức rút kinh nghiệm tại đội.")
    page.click("input[name=_close_case]")

    page.wait_for_selector(".messagelist")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.conclusion == Conclusion.SUBSTANTIATED
    assert [message.to for message in mail.outbox if "Kết quả xử lý" in message.subject] == [[complainant.email]]
