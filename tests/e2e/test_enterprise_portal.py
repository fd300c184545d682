"""The enterprise portal in a real browser: sign in with the emailed code, invite a colleague, who accepts,
signs in, rates two declarations at once, sees their status, opens an inquiry and downloads the certificate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from complaints.models import Inquiry
from customs_feedback.organization.roles import Role
from partnerships.models import EnterpriseUser
from ratings.models import Channel, Rating
from tests.complaints.conftest import seeded_categories  # noqa: F401 - the fixture
from tests.factories import DeclarationFactory, OfficialFactory, active, staff_user
from tests.partnerships.conftest import agreement_text  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_categories", "agreement_text"),
]

TAX_CODE = "0100233488"
MANAGER = "hung@cangdinhvu.example.vn"
COLLEAGUE = "thu@cangdinhvu.example.vn"


def code_in(mail) -> str:
    return re.search(r"\b(\d{6})\b", mail.body).group(1)


def sign_in(page, mailoutbox, email: str) -> None:
    page.goto("/doanh-nghiep/")
    page.fill("#id_tax_code", TAX_CODE)
    page.fill("#id_email", email)
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_selector("text=Nhập mã của bạn")
    (mail,) = [m for m in mailoutbox if m.to == [email] and "Mã đăng nhập" in m.subject][-1:]
    page.fill("#id_code", code_in(mail))
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_selector("text=Doanh nghiệp của bạn với hải quan")


def open_section(page, name: str) -> None:
    page.get_by_role("navigation", name="Doanh nghiệp của bạn").get_by_role("link", name=name, exact=True).click()


def test_a_company_signs_in_invites_a_colleague_who_rates_two_declarations_asks_and_downloads_the_certificate(
    chromium, live_server, settings, tmp_path, mailoutbox
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    agreement = active(
        staff_user(Role.PARTNERSHIP_DESK), tax_code=TAX_CODE, email=MANAGER, company_name="Công ty CP Cảng Đình Vũ"
    )
    official = OfficialFactory()
    declarations = [
        DeclarationFactory(enterprise=agreement.enterprise, official=official, number=f"30565432100{i}")
        for i in range(1, 4)
    ]
    mailoutbox.clear()
    manager_context = chromium.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    colleague_context = chromium.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1366, "height": 768}, accept_downloads=True
    )
    for context in (manager_context, colleague_context):
        context.set_default_timeout(15_000)
    manager, colleague = manager_context.new_page(), colleague_context.new_page()

    # The representative contact signs in with the emailed code, on a phone.
    sign_in(manager, mailoutbox, MANAGER)

    # They invite a colleague as declarant.
    manager.goto("/doanh-nghiep/people/")
    manager.fill("#id_email", COLLEAGUE)
    manager.fill("#id_name", "Trần Thị Thu")
    manager.select_option("#id_role", "declarant")
    manager.get_by_role("button", name="Gửi lời mời").click()
    manager.wait_for_selector(f"text=Đã gửi lời mời đến {COLLEAGUE}.")

    # The colleague opens the link from the mail: the page asks before anything changes.
    invitation = next(m for m in mailoutbox if m.to == [COLLEAGUE])
    link = re.search(r"https?://\S+/doanh-nghiep/loi-moi/\S+/", invitation.body).group(0)
    colleague.goto(link)
    assert EnterpriseUser.objects.get(email=COLLEAGUE).status == "invited"
    colleague.get_by_role("button", name="Chấp nhận lời mời").click()
    colleague.get_by_role("link", name="Đăng nhập", exact=True).click()
    assert colleague.input_value("#id_email") == COLLEAGUE
    sign_in(colleague, mailoutbox, COLLEAGUE)

    # The colleague rates two declarations at once, with the same scores.
    open_section(colleague, "Tờ khai")
    colleague.check(f"#rate-{declarations[0].number}")
    colleague.check(f"#rate-{declarations[1].number}")
    colleague.check("input[name=official_score][value='5']")
    colleague.check("input[name=team_score][value='4']")
    colleague.check("input[name=branch_score][value='5']")
    colleague.get_by_role("button", name="Đánh giá các tờ khai đã chọn").click()
    colleague.wait_for_selector("text=Cảm ơn Quý doanh nghiệp: đã ghi nhận 2 đánh giá.")

    # ...and sees their status.
    for declaration in declarations[:2]:
        assert colleague.locator(f"#rating-{declaration.number} .rating-status").inner_text() == "Tiếp nhận"
    ratings = Rating.objects.filter(declaration__in=declarations[:2])
    assert sorted((r.official_score, r.team_score, r.branch_score, r.channel) for r in ratings) == [
        (5, 4, 5, Channel.PORTAL),
        (5, 4, 5, Channel.PORTAL),
    ]
    assert not Rating.objects.filter(declaration=declarations[2]).exists()

    # The colleague opens an inquiry, prefilled with the company.
    open_section(colleague, "Vướng mắc")
    assert colleague.input_value("#id_email") == COLLEAGUE
    assert colleague.input_value("#id_tax_code") == TAX_CODE
    colleague.select_option("#id_category", "origin")
    colleague.fill("#id_subject", "Nộp bổ sung C/O mẫu D")
    colleague.fill("#id_body", "Lô hàng chưa có C/O khi đăng ký tờ khai, có được nộp bổ sung không?")
    colleague.get_by_role("button", name="Gửi vướng mắc").click()
    inquiry = Inquiry.objects.get()
    colleague.wait_for_selector(f"text={inquiry.tracking_code}")
    assert (inquiry.tax_code, inquiry.email) == (TAX_CODE, COLLEAGUE)
    assert "Nộp bổ sung C/O mẫu D" in colleague.content()

    # ...and downloads the certificate from the overview.
    open_section(colleague, "Tổng quan")
    with colleague.expect_download() as download:
        colleague.get_by_role("link", name="Tải về (PDF)").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert download.value.suggested_filename == f"thoa-thuan-hop-tac-{agreement.number}.pdf"

    manager_context.close()
    colleague_context.close()
