"""The inquiry journey in a real browser: submit with a file, staff answer in the admin, the submitter reads it."""

from pathlib import Path

import pytest

from complaints.models import Inquiry
from customs_feedback.notifications.models import Notification
from customs_feedback.organization.roles import Role
from tests.complaints.conftest import PDF_BYTES, seeded_categories  # noqa: F401 - the fixture
from tests.factories import staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_categories"),
]

ANSWER = "Kính gửi Quý doanh nghiệp, C/O mẫu D được nộp bổ sung trong vòng 1 năm."


def test_an_inquiry_with_a_file_is_answered_in_the_admin_and_the_submitter_reads_the_answer(
    page, desktop_page, mailoutbox
):
    # given: a business sends a question with a scanned document from a phone
    page.goto("/inquiries/")
    page.fill("#id_name", "Công ty TNHH Logistics Đình Vũ")
    page.fill("#id_email", "xnk@dinhvu.example.vn")
    page.select_option("#id_category", "origin")
    page.fill("#id_subject", "C/O mẫu D nộp bổ sung <b>gấp</b>")
    page.fill("#id_body", "Lô hàng chưa có C/O khi đăng ký tờ khai, có được nộp bổ sung không?")
    page.set_input_files("#id_attachments", {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})
    page.get_by_role("button", name="Gửi vướng mắc").click()

    page.wait_for_selector("#tracking-code")
    tracking_url = page.url
    inquiry = Inquiry.objects.get()
    assert page.locator("#tracking-code").inner_text() == inquiry.tracking_code
    assert page.locator("#status").inner_text() == "Mới tiếp nhận"
    assert page.locator("#subject").inner_text() == "C/O mẫu D nộp bổ sung <b>gấp</b>"  # shown as text
    assert inquiry.attachments.get().original_name == "to-khai.pdf"

    # when: the inquiry desk answers it in the back office
    desk = staff_user(Role.INQUIRY_DESK, username="vuongmac", email="vuongmac@haiquan.example.vn")
    desktop_page.goto("/admin/")
    desktop_page.fill("#id_username", desk.username)
    desktop_page.fill("#id_password", "correct-horse-battery")
    desktop_page.click("input[type=submit]")
    desktop_page.goto(f"/admin/complaints/inquiry/?q={inquiry.tracking_code}")
    desktop_page.get_by_role("link", name=inquiry.tracking_code).click()
    with desktop_page.expect_download() as download:
        desktop_page.get_by_role("link", name="to-khai.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF_BYTES
    desktop_page.click("#answer-link")
    desktop_page.fill("#id_text", ANSWER)
    desktop_page.get_by_role("button", name="Gửi trả lời").click()
    desktop_page.wait_for_selector(".messagelist")
    assert "Đã gửi văn bản trả lời" in desktop_page.locator(".messagelist").inner_text()

    # then: the tracking page and the answer notice show the answer, signed by the department
    page.goto(tracking_url)
    assert page.locator("#status").inner_text() == "Đã trả lời"
    # the answer is shown once, as the first message of the conversation, signed by the department
    assert page.locator("#answer").count() == 0
    assert ANSWER in page.locator("#conversation").inner_text()
    assert "Cục Hải quan thành phố Hải Phòng" in page.locator("#conversation").inner_text()
    assert page.content().count(ANSWER.splitlines()[0]) == 1
    notice = Notification.objects.get(kind="inquiry_answered")
    assert notice.recipient == "xnk@dinhvu.example.vn" and ANSWER in notice.body_text
    answer_mails = [mail for mail in mailoutbox if ANSWER in mail.body]
    assert [mail.to for mail in answer_mails] == [["xnk@dinhvu.example.vn"]]
    assert tracking_url in answer_mails[0].body
