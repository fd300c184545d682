import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from complaints import services
from complaints.models import FaqEntry, Inquiry, InquiryAttachment
from customs_feedback.notifications.models import Notification
from tests.complaints.conftest import EXE_BYTES, PNG_BYTES, upload
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "name": "Công ty TNHH Logistics Đình Vũ",
    "email": "xnk@dinhvu.example.vn",
    "phone": "0225 3836 000",
    "tax_code": "0100233488",
    "category": "origin",
    "subject": "C/O mẫu D",
    "body": "C/O mẫu D cấp sau có được chấp nhận không?",
    "declaration_number": "105123456789",
}


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="vi")


def test_a_json_submission_answers_201_with_the_tracking_code_and_due_date(api):
    response = api.post("/api/v1/inquiries/", PAYLOAD, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    inquiry = Inquiry.objects.get()
    assert body == {"tracking_code": inquiry.tracking_code, "status": "new", "due_date": inquiry.due_date.isoformat()}
    assert inquiry.tax_code == "0100233488" and inquiry.declaration_number == "105123456789"
    assert Notification.objects.filter(kind="inquiry_acknowledged", recipient=PAYLOAD["email"]).count() == 1


def test_a_multipart_submission_stores_its_attachments(api):
    response = api.post(
        "/api/v1/inquiries/",
        {**PAYLOAD, "attachments": [upload("anh.png", PNG_BYTES), upload("anh2.png", PNG_BYTES)]},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    assert InquiryAttachment.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Trường này là bắt buộc."),
        ({"email": "khong-phai-email"}, "email", "Nhập một địa chỉ email hợp lệ."),
        ({"tax_code": "0100233489"}, "tax_code", "Mã số thuế không hợp lệ"),
        ({"declaration_number": "12345"}, "declaration_number", "12 chữ số"),
        ({"category": "khong-co"}, "category", "Vui lòng chọn một lĩnh vực trong danh sách."),
    ],
)
def test_bad_json_input_answers_400_in_vietnamese_and_saves_nothing(api, change, field, message):
    response = api.post("/api/v1/inquiries/", {**PAYLOAD, **change}, format="json")

    assert response.status_code == 400
    assert any(message in text for text in response.json()[field]), response.json()
    assert not Inquiry.objects.exists()


def test_missing_fields_are_each_named(api):
    response = api.post("/api/v1/inquiries/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"name", "email", "subject", "body", "category"}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload(f"{i}.png", PNG_BYTES) for i in range(6)], "Chỉ được đính kèm tối đa 5 tệp."),
        ([upload("lon.png", b"\x89PNG\r\n\x1a\n" + b"0" * (11 * 1024 * 1024))], "lớn hơn 10 MB"),
        ([upload("hoa-don.pdf", EXE_BYTES, "application/pdf")], "không phải là tệp PDF"),
    ],
    ids=["sixth-file", "11-MB", "exe-renamed-pdf"],
)
def test_refused_attachments_answer_400_and_save_nothing(api, files, message):
    response = api.post("/api/v1/inquiries/", {**PAYLOAD, "attachments": files}, format="multipart")

    assert response.status_code == 400
    assert any(message in text for text in response.json()["attachments"]), response.json()
    assert not Inquiry.objects.exists() and not InquiryAttachment.objects.exists()


def test_a_filled_honeypot_answers_400_and_saves_nothing(api):
    response = api.post("/api/v1/inquiries/", {**PAYLOAD, "website": "http://spam.example"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"website": ["Nội dung gửi có dấu hiệu tự động nên không được tiếp nhận."]}
    assert not Inquiry.objects.exists()


def test_too_many_submissions_from_one_address_answer_429(api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"public_submit": "2/hour"})

    statuses = [api.post("/api/v1/inquiries/", PAYLOAD, format="json").status_code for _ in range(3)]
    other = APIClient(REMOTE_ADDR="10.0.0.9").post("/api/v1/inquiries/", PAYLOAD, format="json")
    last = api.post("/api/v1/inquiries/", PAYLOAD, format="json")

    assert statuses == [201, 201, 429]
    assert other.status_code == 201
    assert last.status_code == 429 and int(last["Retry-After"]) > 0
    assert last.json() == {"detail": "Địa chỉ của Quý vị đã gửi quá nhiều lần. Vui lòng thử lại sau."}
    assert Inquiry.objects.count() == 3


def test_categories_are_listed_with_their_localised_names(api):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/inquiries/categories/")

    assert response.status_code == 200
    assert {"code": "e-customs", "name": "E-customs systems (VNACCS/ECUS)"} in response.json()
    assert len(response.json()) == 8


def test_tracking_with_the_right_email_shows_status_answer_and_conversation(api, inquiry):
    desk = staff_user("inquiry_desk")
    services.inquiry_note_add(inquiry_id=inquiry.pk, text="BÍ MẬT NỘI BỘ", actor=desk)
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Câu trả lời", actor=desk)

    response = api.get(f"/api/v1/inquiries/{inquiry.tracking_code}/", {"email": "HOA@example.vn"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "answered" and body["subject"] == inquiry.subject
    assert body["answer"]["text"] == "Câu trả lời"
    assert [message["author"] for message in body["conversation"]] == ["staff"]
    assert "BÍ MẬT" not in response.content.decode()
    assert desk.username not in response.content.decode()


def test_an_unanswered_inquiry_tracks_with_a_null_answer(api, inquiry):
    response = api.get(f"/api/v1/inquiries/{inquiry.tracking_code}/", {"email": inquiry.email})

    assert response.json()["answer"] is None


@pytest.mark.parametrize("email", ["someone@else.vn", ""])
def test_tracking_with_the_wrong_email_answers_404_and_reveals_nothing(api, inquiry, email):
    wrong = api.get(f"/api/v1/inquiries/{inquiry.tracking_code}/", {"email": email})
    unknown = api.get("/api/v1/inquiries/VM-2222-2222/", {"email": email})

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() == {"detail": "Không có vướng mắc nào khớp với mã tra cứu và email này."}


def test_staff_answer_through_the_api_with_a_token(api, inquiry, mailoutbox, django_capture_on_commit_callbacks):
    desk = staff_user("inquiry_desk")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=desk).key}")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/inquiries/{inquiry.tracking_code}/answer/", {"text": "Đã rõ"}, format="json")

    assert response.status_code == 200 and response.json() == {"status": "answered"}
    assert [mail.to for mail in mailoutbox if "Đã rõ" in mail.body] == [[inquiry.email]]


def test_answering_needs_staff_with_the_inquiry_in_scope(api, inquiry):
    anonymous = api.post(f"/api/v1/inquiries/{inquiry.tracking_code}/answer/", {"text": "x"}, format="json")
    officer = staff_user("branch_officer", branch=BranchFactory())
    api.force_authenticate(officer)
    out_of_scope = api.post(f"/api/v1/inquiries/{inquiry.tracking_code}/answer/", {"text": "x"}, format="json")
    api.force_authenticate(staff_user("partnership_desk"))
    no_permission = api.post(f"/api/v1/inquiries/{inquiry.tracking_code}/answer/", {"text": "x"}, format="json")

    assert anonymous.status_code in (401, 403)
    assert out_of_scope.status_code == 404
    assert no_permission.status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_answering_twice_is_allowed_but_answering_a_closed_one_is_a_conflict(api, inquiry):
    desk = staff_user("inquiry_desk")
    services.inquiry_resolve(inquiry_id=inquiry.pk, status="out_of_scope", reason="Ngoài phạm vi", actor=desk)
    api.force_authenticate(desk)

    response = api.post(f"/api/v1/inquiries/{inquiry.tracking_code}/answer/", {"text": "x"}, format="json")

    assert response.status_code == 409


def test_an_empty_answer_answers_400(api, inquiry):
    api.force_authenticate(staff_user("inquiry_desk"))

    response = api.post(f"/api/v1/inquiries/{inquiry.tracking_code}/answer/", {"text": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {"text": ["Vui lòng nhập nội dung trả lời."]}


def test_faq_search_ignores_accents_and_case(api, category):
    services.faq_entry_save(entry=FaqEntry(category=category, question="Thủ tục tạm nhập?", answer="Theo Điều 50."))
    services.faq_entry_save(entry=FaqEntry(category=category, question="Hoàn thuế", answer="Nộp hồ sơ."))
    services.faq_entry_save(
        entry=FaqEntry(category=category, question="Thủ tục ẩn", answer="Chưa đăng", is_published=False)
    )

    folded = api.get("/api/v1/faq/", {"q": "thu tuc"}).json()
    accented = api.get("/api/v1/faq/", {"q": "THỦ TỤC điều"}).json()
    everything = api.get("/api/v1/faq/").json()

    assert [entry["question"] for entry in folded] == ["Thủ tục tạm nhập?"]
    assert [entry["question"] for entry in accented] == ["Thủ tục tạm nhập?"]
    assert len(everything) == 2
    assert api.get("/api/v1/faq/", {"q": "dieu"}).json()[0]["answer"] == "Theo Điều 50."


def test_faq_filters_by_category_code_and_refuses_an_unknown_one(api, category):
    services.faq_entry_save(entry=FaqEntry(category=category, question="Thủ tục tạm nhập?", answer="Theo Điều 50."))

    listed = api.get("/api/v1/faq/", {"category": category.code})
    refused = api.get("/api/v1/faq/", {"category": "khong-co"})

    assert [entry["question"] for entry in listed.json()] == ["Thủ tục tạm nhập?"]
    assert refused.status_code == 400
    assert refused.json() == {
        "category": ["Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."]
    }


def test_a_submission_whose_fields_are_not_text_is_refused_by_its_shape(api):
    response = api.post("/api/v1/inquiries/", {**PAYLOAD, "subject": {"nested": "object"}}, format="json")

    assert response.status_code == 400
    assert response.json() == {"subject": ["Vui lòng gửi trường này dưới dạng văn bản."]}
    assert not Inquiry.objects.exists()
