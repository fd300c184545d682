from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import AnswerTemplate, FaqEntry, Inquiry, InquiryNote
from customs_feedback.notifications.models import Notification
from tests.complaints.conftest import PDF_BYTES, upload
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'


def change_url(inquiry) -> str:
    return reverse("admin:complaints_inquiry_change", args=[inquiry.pk])


def listed(client, **params) -> set[str]:
    response = client.get(reverse("admin:complaints_inquiry_changelist"), params)
    assert response.status_code == 200
    return {inquiry.tracking_code for inquiry in response.context["cl"].result_list}


def test_the_queues_sort_work_into_new_mine_overdue_and_due_soon(client, submit, desk, branch, officer):
    fresh, mine, late = submit(), submit(), submit()
    services.inquiry_assign(inquiry_id=mine.pk, branch_id=branch.pk, assignee_id=officer.official.pk, actor=desk)
    services.inquiry_assign(inquiry_id=late.pk, branch_id=branch.pk, assignee_id=officer.official.pk, actor=desk)
    Inquiry.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    Inquiry.objects.filter(pk=mine.pk).update(due_date=timezone.localdate())
    client.force_login(officer)

    assert listed(client, queue="mine") == {mine.tracking_code, late.tracking_code}
    assert listed(client, queue="overdue") == {late.tracking_code}
    assert listed(client, queue="due_soon") == {mine.tracking_code}
    client.force_login(desk)
    assert listed(client, queue="new") == {fresh.tracking_code}
    assert listed(client, q=fresh.tracking_code) == {fresh.tracking_code}


def test_a_branch_officer_sees_only_the_inquiries_assigned_to_them(client, submit, desk, branch, officer):
    theirs, other = submit(), submit()
    services.inquiry_assign(inquiry_id=theirs.pk, branch_id=branch.pk, assignee_id=officer.official.pk, actor=desk)
    services.inquiry_assign(inquiry_id=other.pk, branch_id=BranchFactory().pk, assignee_id=None, actor=desk)
    client.force_login(officer)

    assert listed(client) == {theirs.tracking_code}
    assert client.get(change_url(other)).status_code == 302  # the admin's "not found" redirect
    assert client.get(reverse("admin:complaints_inquiry_answer", args=[other.pk])).status_code == 404


def test_staff_answer_from_the_admin_and_the_notice_goes_out(client, inquiry, desk, django_capture_on_commit_callbacks):
    client.force_login(desk)
    url = reverse("admin:complaints_inquiry_answer", args=[inquiry.pk])

    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Theo Điều 50 Thông tư 38/2015/TT-BTC.", "_submit": "1"})

    assert response.status_code == 302 and response["Location"] == change_url(inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == "answered"
    notice = Notification.objects.get(kind="inquiry_answered")
    assert "Theo Điều 50" in notice.body_text and notice.status == "sent"


def test_the_answer_page_shows_the_question_and_the_conversation(client, inquiry, desk):
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời lần đầu", actor=desk)
    services.inquiry_reply(inquiry_id=inquiry.pk, text="Hỏi thêm về thời hạn")
    client.force_login(desk)

    page = client.get(reverse("admin:complaints_inquiry_answer", args=[inquiry.pk])).content.decode()

    assert inquiry.body in page and "Trả lời lần đầu" in page and "Hỏi thêm về thời hạn" in page
    assert "Văn bản trả lời sẽ ký tên: Cục Hải quan thành phố Hải Phòng" in page


def test_an_answer_template_fills_the_answer_box(client, inquiry, desk):
    template = AnswerTemplate.objects.create(title="C/O", text="Kính gửi Quý doanh nghiệp, về C/O ...")
    client.force_login(desk)

    response = client.post(
        reverse("admin:complaints_inquiry_answer", args=[inquiry.pk]), {"template": template.pk, "_use_template": "1"}
    )

    assert response.status_code == 200
    assert "Kính gửi Quý doanh nghiệp, về C/O ..." in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_an_empty_answer_is_refused_in_the_admin(client, inquiry, desk):
    client.force_login(desk)

    response = client.post(reverse("admin:complaints_inquiry_answer", args=[inquiry.pk]), {"text": "", "_submit": "1"})

    assert response.status_code == 200
    assert "Vui lòng nhập nội dung trả lời." in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_assignment_from_the_admin(client, inquiry, desk, branch, officer):
    client.force_login(desk)

    response = client.post(
        reverse("admin:complaints_inquiry_assign", args=[inquiry.pk]),
        {"branch": branch.pk, "assignee": officer.official.pk},
    )

    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.assignee) == ("assigned", officer.official)


def test_closing_without_an_answer_needs_a_reason(client, inquiry, desk):
    client.force_login(desk)
    url = reverse("admin:complaints_inquiry_resolve", args=[inquiry.pk])

    refused = client.post(url, {"status": "out_of_scope", "reason": ""})
    accepted = client.post(url, {"status": "out_of_scope", "reason": "Thuộc thẩm quyền cơ quan thuế"})

    assert refused.status_code == 200 and "Vui lòng nêu lý do." in refused.content.decode()
    assert accepted.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == "out_of_scope"


def test_a_branch_officer_cannot_assign_or_close(client, inquiry, desk, branch, officer):
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=officer.official.pk, actor=desk)
    client.force_login(officer)

    assert client.get(reverse("admin:complaints_inquiry_assign", args=[inquiry.pk])).status_code == 403
    assert client.get(reverse("admin:complaints_inquiry_resolve", args=[inquiry.pk])).status_code == 403


def test_internal_notes_are_added_by_staff_and_shown_in_the_admin_only(client, inquiry, desk):
    client.force_login(desk)

    client.post(reverse("admin:complaints_inquiry_note", args=[inquiry.pk]), {"text": "Hỏi ý kiến phòng Thuế"})

    assert InquiryNote.objects.get().text == "Hỏi ý kiến phòng Thuế"
    assert "Hỏi ý kiến phòng Thuế" in client.get(change_url(inquiry)).content.decode()


def test_attachments_are_served_only_to_staff_who_see_the_inquiry(client, submit, desk):
    inquiry = submit(attachments=[upload("hop-dong.pdf", PDF_BYTES)])
    attachment = inquiry.attachments.get()
    url = reverse("admin:complaints_inquiry_attachment", args=[attachment.pk])

    anonymous = client.get(url)
    client.force_login(staff_user("branch_officer", branch=BranchFactory()))
    outsider = client.get(url)
    client.force_login(staff_user("partnership_desk"))
    no_permission = client.get(url)
    client.force_login(desk)
    allowed = client.get(url)

    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert outsider.status_code == 404
    assert no_permission.status_code == 403
    assert allowed.status_code == 200 and b"".join(allowed.streaming_content) == PDF_BYTES
    assert allowed["Content-Type"] == "application/pdf"
    assert 'attachment; filename="hop-dong.pdf"' in allowed["Content-Disposition"]
    assert not attachment.file.url.startswith("/static/")
    assert client.get(attachment.file.url).status_code == 404  # no public route to the media folder


def test_script_in_submitted_fields_is_text_in_the_admin(client, submit, desk):
    inquiry = submit(name=XSS, subject=XSS, body=XSS, attachments=[upload(f"{XSS}.pdf", PDF_BYTES)])
    services.inquiry_reply(inquiry_id=inquiry.pk, text=XSS)
    client.force_login(desk)

    pages = [
        client.get(change_url(inquiry)).content.decode(),
        client.get(reverse("admin:complaints_inquiry_changelist")).content.decode(),
        client.get(reverse("admin:complaints_inquiry_answer", args=[inquiry.pk])).content.decode(),
    ]

    for page in pages:
        assert '<script>alert("x")' not in page
        assert "&lt;script&gt;" in page


def test_publishing_as_faq_starts_from_an_anonymised_text(client, submit, desk):
    inquiry = submit(body="Tôi là Nguyễn Thị Hoa, MST 0100233488, hỏi về C/O.")
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời chị Nguyễn Thị Hoa: được.", actor=desk)
    client.force_login(desk)
    url = reverse("admin:complaints_inquiry_faq", args=[inquiry.pk])

    form = client.get(url).content.decode()
    response = client.post(url, {"question": "Hỏi về C/O mẫu D?", "answer": "Được chấp nhận."})

    assert "Nguyễn Thị Hoa" not in form and "0100233488" not in form
    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert (entry.question, entry.search_text) == ("Hỏi về C/O mẫu D?", "hoi ve c/o mau d?\nduoc chap nhan.")


def test_the_statistics_page_shows_the_figures(client, submit, desk):
    answered = submit()
    submit()
    services.inquiry_answer(inquiry_id=answered.pk, text="OK", actor=desk)
    client.force_login(desk)

    response = client.get(reverse("admin:complaints_inquiry_statistics"), {"date_from": date(2020, 1, 1)})

    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats["received"], stats["answered"], stats["on_time_share"]) == (2, 1, 1.0)
    assert "Thủ tục hải quan" in response.content.decode()


def test_statistics_need_the_permission(client):
    client.force_login(staff_user("branch_officer", branch=BranchFactory()))

    assert client.get(reverse("admin:complaints_inquiry_statistics")).status_code == 403


@pytest.mark.parametrize("role", ["inquiry_desk", "branch_leader", "branch_officer", "department_leadership"])
def test_every_role_that_works_on_an_inquiry_sees_its_conversation_files_and_history(
    client, submit, desk, branch, role
):
    inquiry = submit(attachments=[upload("hoa-don.pdf", PDF_BYTES)])
    user = staff_user(role, branch=branch)
    official = getattr(user, "official", None)
    services.inquiry_assign(
        inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=official.pk if official else None, actor=desk
    )
    services.inquiry_reply(inquiry_id=inquiry.pk, text="Bổ sung chứng từ")
    client.force_login(user)

    page = client.get(change_url(inquiry)).content.decode()

    assert "Bổ sung chứng từ" in page
    assert reverse("admin:complaints_inquiry_attachment", args=[inquiry.attachments.get().pk]) in page
    assert "Lịch sử xử lý" in page
