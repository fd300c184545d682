"""The whole MoU journey in a real browser: sign on a phone, confirm by the emailed link, countersign in the admin."""

import io
import re

import pytest
from pypdf import PdfReader

from customs_feedback.organization.roles import Role
from partnerships.models import Agreement, AgreementStatus
from tests.factories import staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_signs_confirms_and_receives_the_certificate_after_countersigning(
    page, desktop_page, agreement_text, mailoutbox
):
    # The enterprise signs on its phone.
    page.goto("/partnerships/")
    page.fill("#id_tax_code", "0100233488")
    page.fill("#id_company_name", "Công ty CP Cảng Đình Vũ")
    page.fill("#id_address", "Số 1 Đình Vũ, Hải An, Hải Phòng")
    page.fill("#id_representative_name", "Nguyễn Văn Hùng")
    page.fill("#id_email", "hung@cangdinhvu.example.vn")
    page.check("#id_accept_terms")
    page.get_by_role("button", name="Ký thỏa thuận").click()
    page.wait_for_selector("text=Vui lòng kiểm tra email")

    # It opens the link from the mail; the page asks before anything changes.
    (confirmation,) = mailoutbox
    assert confirmation.to == ["hung@cangdinhvu.example.vn"]
    link = re.search(r"https?://\S+/partnerships/confirm/\S+/", confirmation.body).group(0)
    page.goto(link)
    assert Agreement.objects.get().status == AgreementStatus.PENDING_EMAIL
    page.get_by_role("button", name="Xác nhận và gửi xem xét").click()
    page.wait_for_selector("text=email đã được xác nhận")
    assert Agreement.objects.get().status == AgreementStatus.PENDING_REVIEW

    # The partnership desk countersigns in the back office.
    staff_user(Role.PARTNERSHIP_DESK, username="hoptac", password="correct-horse-battery")
    desktop_page.goto("/admin/login/?next=/admin/partnerships/agreement/")
    desktop_page.fill("#id_username", "hoptac")
    desktop_page.fill("#id_password", "correct-horse-battery")
    desktop_page.click("input[type=submit]")
    desktop_page.check("input[name=_selected_action]")
    desktop_page.select_option("select[name=action]", "countersign")
    desktop_page.click("button[name=index]")
    desktop_page.wait_for_selector("text=Đã ký xác nhận 1 thỏa thuận.")

    # The enterprise receives the activation notice with the certificate.
    agreement = Agreement.objects.get()
    assert agreement.status == AgreementStatus.ACTIVE
    activation = mailoutbox[-1]
    assert activation.to == ["hung@cangdinhvu.example.vn"]
    assert str(agreement.number) in activation.subject
    ((filename, content, mimetype),) = activation.attachments
    assert (filename, mimetype) == (f"thoa-thuan-hop-tac-{agreement.number}.pdf", "application/pdf")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert f"Số {agreement.number}" in text
    assert "0100233488" in text

    # The QR code's page says the agreement is in force.
    page.goto(f"/partnerships/verify/{agreement.reference}/")
    assert page.locator("#agreement-status").inner_text() == "Đang có hiệu lực"
