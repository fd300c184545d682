import pytest
from django.urls import reverse

from complaints import services
from complaints.models import FaqEntry, Inquiry, InquiryMessage
from customs_feedback.notifications.models import Notification
from tests.complaints.conftest import PDF_BYTES, upload
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Phạm Minh Tuấn",
    "email": "tuan@example.vn",
    "phone": "",
    "tax_code": "",
    "category": "duties-taxes",
    "declaration_number": "",
    "subject": "Hoàn thuế nhập khẩu",
    "body": "Hồ sơ hoàn thuế gồm những gì?",
    "website": "",
}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def private_link(inquiry) -> str:
    return reverse("complaints:track", args=[inquiry.tracking_code, services.tracking_token(inquiry.tracking_code)])


def test_the_form_lists_the_categories_and_hides_the_bot_trap(client):
    response = client.get("/inquiries/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hệ thống hải quan điện tử (VNACCS/ECUS)" in page
    assert 'class="trap"' in page and 'enctype="multipart/form-data"' in page


def test_a_submission_with_a_file_leads_to_its_private_tracking_page(client):
    response = client.post("/inquiries/", {**FORM, "attachments": [upload("to-khai.pdf", PDF_BYTES)]}, follow=True)

    inquiry = Inquiry.objects.get()
    assert response.redirect_chain == [(private_link(inquiry), 302)]
    page = response.content.decode()
    assert inquiry.tracking_code in page and "Mới tiếp nhận" in page
    assert inquiry.attachments.get().original_name == "to-khai.pdf"
    assert Notification.objects.filter(kind="inquiry_acknowledged").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tax_code": "0100233489"}, "Mã số thuế không hợp lệ"),
        ({"declaration_number": "1051234567890"}, "12 chữ số"),
        ({"email": "tuan@"}, "Nhập một địa chỉ email hợp lệ."),
        ({"subject": ""}, "Trường này là bắt buộc."),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(client, change, message):
    response = client.post("/inquiries/", {**FORM, **change})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Inquiry.objects.exists()


def test_a_sixth_file_is_refused_on_the_form(client):
    files = [upload(f"{i}.pdf", PDF_BYTES) for i in range(6)]

    response = client.post("/inquiries/", {**FORM, "attachments": files})

    assert response.status_code == 400
    assert "Chỉ được đính kèm tối đa 5 tệp." in response.content.decode()
    assert not Inquiry.objects.exists()


def test_a_filled_honeypot_on_the_form_saves_nothing(client):
    response = client.post("/inquiries/", {**FORM, "website": "buy-now.example"})

    assert response.status_code == 400
    assert "có dấu hiệu tự động" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_the_form_limits_submissions_per_address(client, settings):
    settings.INQUIRY_PORTAL_RATE = "2/hour"

    statuses = [client.post("/inquiries/", FORM).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Inquiry.objects.count() == 2


def test_looking_up_with_code_and_email_opens_the_tracking_page(client, inquiry):
    response = client.post(
        "/inquiries/track/", {"tracking_code": inquiry.tracking_code.lower(), "email": inquiry.email}
    )

    assert response.status_code == 302 and response["Location"] == private_link(inquiry)


def test_looking_up_with_the_wrong_email_reveals_nothing(client, inquiry):
    response = client.post("/inquiries/track/", {"tracking_code": inquiry.tracking_code, "email": "x@y.vn"})

    assert response.status_code == 404
    assert "Không có vướng mắc nào khớp" in response.content.decode()
    assert inquiry.subject not in response.content.decode()


def test_a_tracking_link_with_a_wrong_token_is_404(client, inquiry):
    assert client.get(f"/inquiries/track/{inquiry.tracking_code}/{'0' * 32}/").status_code == 404


def test_the_submitter_replies_from_the_tracking_page(client, inquiry):
    desk = staff_user("inquiry_desk")
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời lần 1", actor=desk)
    services.inquiry_note_add(inquiry_id=inquiry.pk, text="Ghi chú kín", actor=desk)

    page = client.get(private_link(inquiry)).content.decode()
    response = client.post(private_link(inquiry), {"text": "Xin hỏi thêm"}, follow=True)

    assert "Trả lời lần 1" in page and "Ghi chú kín" not in page
    assert "Cục Hải quan thành phố Hải Phòng" in page
    assert response.status_code == 200 and "Xin hỏi thêm" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "new"
    assert InquiryMessage.objects.filter(author="submitter").count() == 1


def test_an_empty_reply_is_refused(client, inquiry):
    response = client.post(private_link(inquiry), {"text": ""})

    assert response.status_code == 400
    assert not InquiryMessage.objects.exists()


def test_script_in_any_field_is_shown_as_text_on_the_portal(client, submit, category):
    inquiry = submit(name=XSS, subject=XSS[:200], body=XSS)
    desk = staff_user("inquiry_desk")
    services.inquiry_answer(inquiry_id=inquiry.pk, text=XSS, actor=desk)
    services.inquiry_reply(inquiry_id=inquiry.pk, text=XSS)
    services.faq_entry_save(entry=FaqEntry(category=category, question=XSS, answer=XSS))

    for url in (private_link(inquiry), "/faq/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page, url


def test_the_faq_page_finds_vietnamese_without_accents(client, category):
    services.faq_entry_save(entry=FaqEntry(category=category, question="Thủ tục tạm nhập tái xuất", answer="A"))
    services.faq_entry_save(entry=FaqEntry(category=category, question="Hoàn thuế", answer="B"))

    page = client.get("/faq/", {"q": "thu tuc"}).content.decode()

    assert "Thủ tục tạm nhập tái xuất" in page and "Hoàn thuế" not in page
    assert "Không có câu trả lời nào" in client.get("/faq/", {"q": "khong co"}).content.decode()


def test_the_portal_menu_links_the_inquiry_pages(client):
    page = client.get("/").content.decode()

    assert 'href="/inquiries/"' in page and 'href="/faq/"' in page


def test_replies_from_the_tracking_page_are_limited_per_address(client, inquiry, settings):
    settings.INQUIRY_PORTAL_RATE = "2/hour"

    statuses = [client.post(private_link(inquiry), {"text": f"Bổ sung {n}"}).status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert InquiryMessage.objects.count() == 2
