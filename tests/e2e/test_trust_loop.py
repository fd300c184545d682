"""The whole trust loop in a real browser: a 1★ rating of the branch leader's own work goes to the inspection
desk, the leader explains from their record page, the inspection desk concludes, and the enterprise's link
page shows the outcome while the outcome notice arrives."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from customs_feedback.organization.roles import Role
from ratings.models import FollowUpCase, Rating
from ratings.services import declarations_upsert
from tests.factories import BranchFactory, EnterpriseFactory, TeamFactory, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_a_low_rating_of_the_leader_is_investigated_by_the_inspection_desk_and_the_rater_hears_the_outcome(
    desktop_page, settings, tmp_path
):
    page = desktop_page
    branch = BranchFactory(code="03CC", name_vi="Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I")
    leader = staff_user(Role.BRANCH_LEADER, branch=branch, email="truongchicuc@haiquan.example.vn")
    inspector = staff_user(Role.INSPECTION_DESK, email="thanhtra@haiquan.example.vn")
    team = TeamFactory(branch=branch, code="TTHQ")
    enterprise = EnterpriseFactory(email="xnk@hai-au.example.vn", name_vi="Công ty TNHH Hải Âu")
    declarations_upsert(
        rows=[
            {
                "number": "104567890124",
                "tax_code": enterprise.tax_code,
                "branch_code": "03CC",
                "team_code": team.code,
                "official_code": leader.official.code,  # the leader handled it: they are the official rated
                "registered_at": (timezone.now() - timedelta(hours=6)).isoformat(),
                "cleared_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            }
        ]
    )
    [invitation] = [message for message in mail.outbox if message.to == [enterprise.email]]
    rate_link = re.search(r"http://\S+/ratings/rate/\S+/", invitation.body).group(0)

    # 1. The enterprise gives 1★ through the emailed link.
    page.goto(rate_link)
    page.locator("#fieldset-official_score").get_by_label("Rất không hài lòng").check()
    page.select_option("select[name=reason]", "attitude")
    page.fill("textarea[name=comment]", "Lãnh đạo chi cục không tiếp doanh nghiệp.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_role("link", name="Theo dõi kết quả xử lý đánh giá").click()
    status_url = page.url
    assert "Đang xác minh" in page.locator("#rating-status").inner_text()

    # 2. The case is at the inspection desk, because the leader is the official rated.
    case = FollowUpCase.objects.get()
    assert (case.desk, case.assigned_to) == ("inspection", None)
    explain_notice = next(m for m in mail.outbox if m.to == [leader.email] and case.reference in m.subject)
    assert enterprise.name_vi not in explain_notice.body

    # 3. The leader (the official rated) files an explanation from their record page; they never see the rater.
    sign_in(page, leader)
    page.goto(re.search(r"http://\S+/admin/ratings/followupcase/official/\d+/", explain_notice.body).group(0))
    page.fill(f"#explain-{case.pk}", "Hôm đó tôi chủ trì họp giao ban, đã cử cán bộ khác hướng dẫn doanh nghiệp.")
    page.get_by_role("button", name="Gửi giải trình").click()
    page.wait_for_selector(".messagelist")
    assert enterprise.tax_code not in page.content()
    assert case.reference in page.content()

    # 4. The inspection desk reads the explanation and concludes with a measure.
    sign_in(page, inspector)
    page.goto(f"/admin/ratings/followupcase/{case.pk}/change/")
    assert "đã cử cán bộ khác" in page.content()
    assert enterprise.tax_code in page.content()  # the investigator sees who rated (the look is logged)
    page.fill("#id_findings", "Doanh nghiệp chờ hai giờ không được tiếp; việc cử cán bộ khác không được thông báo.")
    page.select_option("#id_conclusion", "partly_substantiated")
    page.select_option("#id_measure", "review_session")
    page.click("input[name=_close_case]")
    page.wait_for_selector(".messagelist")
    page.screenshot(path=str(tmp_path / "inspection-desk-case.png"), full_page=True)

    # 5. The enterprise's link page shows the outcome, and the outcome notice has arrived.
    page.context.clear_cookies()
    page.goto(status_url)
    status_text = page.locator("#rating-status").inner_text()
    assert "Đã có kết luận" in status_text
    assert "Có cơ sở một phần" in status_text and "Kiểm điểm" in status_text
    outcome = [m for m in mail.outbox if m.to == [enterprise.email] and "Kết quả xử lý" in m.subject]
    assert len(outcome) == 1 and "Có cơ sở một phần" in outcome[0].body
    assert Rating.objects.get().case.status == "closed"
