from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from complaints import services
from complaints.models import (
    FaqEntry,
    Inquiry,
    InquiryAttachment,
    InquiryEvent,
    InquiryMessage,
    InquiryNote,
    InquiryStatus,
)
from complaints.services import submission
from customs_feedback.exceptions import InvalidTransition, PermissionDenied
from customs_feedback.notifications.models import Notification
from tests.complaints.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, ooxml_bytes, upload
from tests.factories import BranchFactory, EnterpriseFactory, OfficialFactory, valid_tax_code

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the Vietnamese wording is checked through the API."""
    with translation.override("en"):
        yield


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- submission ----------------------------------------------------------------------------


def test_a_submitted_inquiry_is_new_with_a_readable_tracking_code_and_one_acknowledgement(submit):
    inquiry = submit()

    assert inquiry.status == InquiryStatus.NEW
    assert services.TRACKING_CODE.match(inquiry.tracking_code)
    notice = Notification.objects.get(kind="inquiry_acknowledged")
    assert notice.recipient == "hoa@example.vn"
    assert inquiry.tracking_code in notice.body_text
    assert services.tracking_url(inquiry) in notice.body_text
    assert list(InquiryEvent.objects.values_list("from_status", "to_status")) == [("", "new")]


def test_tracking_codes_avoid_ambiguous_symbols_and_differ():
    codes = {services.tracking_code_new() for _ in range(500)}

    assert len(codes) == 500
    assert not any(set(code[3:].replace("-", "")) & set("01ILOU") for code in codes)


def test_a_tracking_code_typed_loosely_is_understood():
    assert services.tracking_code_normalize(" vm 4k7p 9qx2 ") == "VM-4K7P-9QX2"
    assert services.tracking_code_normalize("4K7P-9QX2") == "VM-4K7P-9QX2"
    assert services.tracking_code_normalize("VM-4K7") == ""


def test_a_tax_code_is_stored_normalised_and_links_the_known_enterprise(submit):
    from complaints.selectors import enterprise_name

    enterprise = EnterpriseFactory(tax_code=valid_tax_code(7), name_vi="Công ty TNHH Cảng Xanh")

    inquiry = submit(tax_code=f" {enterprise.tax_code[:4]} {enterprise.tax_code[4:]} ")

    assert inquiry.tax_code == enterprise.tax_code
    assert enterprise_name(inquiry.tax_code) == "Công ty TNHH Cảng Xanh"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": ""}, "email", "This field is required."),
        ({"subject": "  "}, "subject", "This field is required."),
        ({"body": ""}, "body", "This field is required."),
        ({"email": "hoa@"}, "email", "Enter a valid email address."),
        ({"tax_code": "0100233489"}, "tax_code", "This tax code is not valid: its check digit does not match."),
        ({"tax_code": "12345"}, "tax_code", "A tax code has 10 digits"),
        ({"declaration_number": "10512345678"}, "declaration_number", "exactly 12 digits"),
        ({"declaration_number": "10512345678X"}, "declaration_number", "exactly 12 digits"),
        ({"category_code": "nonsense"}, "category", "Choose one of the listed categories."),
        ({"subject": "x" * 201}, "subject", "at most 200 characters"),
        ({"phone": "call me<script>"}, "phone", "Enter a phone number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(submit, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        submit(**overrides)

    assert any(message in text for text in errors_of(excinfo)[field])
    assert not Inquiry.objects.exists()
    assert not Notification.objects.exists()


def test_up_to_five_files_of_the_accepted_kinds_are_stored_privately(submit, settings):
    files = [
        upload("scan.pdf", PDF_BYTES),
        upload("photo.png", PNG_BYTES),
        upload("to-khai.docx", ooxml_bytes("docx")),
        upload("bang-ke.xlsx", ooxml_bytes("xlsx")),
        upload("photo-renamed.txt", PNG_BYTES),  # the name does not matter, the content does
    ]

    inquiry = submit(attachments=files)

    stored = list(inquiry.attachments.order_by("pk"))
    assert [a.content_type for a in stored] == [
        "application/pdf",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
    ]
    assert stored[0].original_name == "scan.pdf"
    assert all(a.file.name.startswith("private/inquiries/") and "scan" not in a.file.name for a in stored)
    assert stored[0].file.path.startswith(str(settings.MEDIA_ROOT))
    assert stored[0].file.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload(f"f{i}.pdf", PDF_BYTES) for i in range(6)], "at most 5 files"),
        ([upload("big.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))], "larger than 10 MB"),
        ([upload("invoice.pdf", EXE_BYTES, "application/pdf")], "is not a PDF, JPEG, PNG"),
        ([upload("empty.pdf", b"")], "is empty"),
    ],
    ids=["sixth-file", "11-MB", "exe-renamed-pdf", "empty"],
)
def test_refused_attachments_save_nothing(submit, files, message):
    with pytest.raises(ValidationError) as excinfo:
        submit(attachments=files)

    assert any(message in text for text in errors_of(excinfo)["attachments"])
    assert not Inquiry.objects.exists()
    assert not InquiryAttachment.objects.exists()


def test_a_colliding_tracking_code_is_drawn_again(submit):
    first = submit()
    codes = iter([first.tracking_code, "VM-2222-3333"])

    # Patched where the submission calls it: the package only re-exports the name.
    with mock.patch.object(submission, "tracking_code_new", lambda: next(codes)):
        second = submit()

    assert second.tracking_code == "VM-2222-3333"


# --- staff workflow ------------------------------------------------------------------------


def test_assignment_to_a_branch_and_official_writes_an_event(inquiry, desk, branch, officer):
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=officer.official.pk, actor=desk)

    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.branch, inquiry.assignee) == ("assigned", branch, officer.official)
    event = inquiry.events.last()
    assert (event.actor, event.from_status, event.to_status) == (desk, "new", "assigned")


def test_an_official_of_another_branch_cannot_be_assigned(inquiry, desk, branch):
    stranger = OfficialFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=stranger.pk, actor=desk)

    assert "assignee" in errors_of(excinfo)
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_a_branch_leader_cannot_assign_to_another_branch(inquiry, leader):
    other = BranchFactory()

    with pytest.raises(PermissionDenied):
        services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=other.pk, assignee_id=None, actor=leader)


def test_the_answer_notice_is_signed_with_the_units_name_never_the_persons(
    inquiry, desk, branch, officer, django_capture_on_commit_callbacks, mailoutbox
):
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=officer.official.pk, actor=desk)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.inquiry_answer(inquiry_id=inquiry.pk, text="Quý ông/bà thực hiện theo Thông tư 38.", actor=officer)

    inquiry.refresh_from_db()
    assert inquiry.status == "answered" and inquiry.answer_unit == branch.name_vi
    [mail] = mailoutbox
    assert mail.to == ["hoa@example.vn"]
    assert "Quý ông/bà thực hiện theo Thông tư 38." in mail.body
    assert branch.name_vi in mail.body
    assert officer.official.full_name not in mail.body and "Trần" not in mail.body
    assert InquiryMessage.objects.get(inquiry=inquiry).author == "staff"


def test_an_answer_without_a_branch_is_signed_by_the_department(inquiry, desk):
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời", actor=desk)

    inquiry.refresh_from_db()
    assert inquiry.answer_unit == "Cục Hải quan thành phố Hải Phòng"


def test_an_empty_answer_is_refused(inquiry, desk):
    with pytest.raises(ValidationError):
        services.inquiry_answer(inquiry_id=inquiry.pk, text="  ", actor=desk)
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_a_reply_after_the_answer_reopens_it_and_restarts_the_deadline(inquiry, desk, branch):
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=None, actor=desk)
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời", actor=desk)
    later = datetime(2026, 2, 13, 10, 0, tzinfo=HANOI)  # the Friday before Tết 2026

    with mock.patch("django.utils.timezone.now", return_value=later):
        services.inquiry_reply(inquiry_id=inquiry.pk, text="Cho tôi hỏi thêm")

    inquiry.refresh_from_db()
    assert inquiry.status == "assigned"
    # 10 working days from Fri 13 Feb: Tết 16–20 Feb and weekends skipped -> Fri 6 Mar.
    assert inquiry.due_date == date(2026, 3, 6)
    assert list(inquiry.messages.order_by("pk").values_list("author", flat=True)) == ["staff", "submitter"]


def test_a_reply_to_an_inquiry_answered_by_the_desk_returns_it_to_the_desk(inquiry, desk):
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời", actor=desk)

    services.inquiry_reply(inquiry_id=inquiry.pk, text="Chưa rõ")

    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_a_reply_to_a_closed_inquiry_is_refused(inquiry, desk):
    services.inquiry_resolve(inquiry_id=inquiry.pk, status="out_of_scope", reason="Không thuộc thẩm quyền", actor=desk)

    with pytest.raises(ValidationError):
        services.inquiry_reply(inquiry_id=inquiry.pk, text="Tại sao?")
    assert not InquiryMessage.objects.exists()


def test_a_duplicate_names_the_inquiry_it_repeats(submit, desk):
    first, second = submit(), submit()

    services.inquiry_resolve(
        inquiry_id=second.pk,
        status="duplicate",
        reason="Gửi hai lần",
        duplicate_of_code=first.tracking_code.lower(),
        actor=desk,
    )

    second.refresh_from_db()
    assert (second.status, second.duplicate_of, second.resolution_reason) == ("duplicate", first, "Gửi hai lần")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "duplicate", "reason": "x", "duplicate_of_code": "VM-ZZZZ-ZZZZ"}, "duplicate_of"),
        ({"status": "out_of_scope", "reason": ""}, "reason"),
        ({"status": "closed", "reason": "x"}, "status"),
    ],
)
def test_resolving_needs_a_reason_and_a_real_original(inquiry, desk, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        services.inquiry_resolve(inquiry_id=inquiry.pk, actor=desk, **kwargs)
    assert field in errors_of(excinfo)


def test_a_closed_inquiry_cannot_be_answered(inquiry, desk):
    services.inquiry_resolve(inquiry_id=inquiry.pk, status="out_of_scope", reason="Ngoài phạm vi", actor=desk)

    with pytest.raises(InvalidTransition):
        services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời", actor=desk)


def test_internal_notes_are_kept_apart_from_the_conversation(inquiry, desk):
    services.inquiry_note_add(inquiry_id=inquiry.pk, text="Chuyển phòng nghiệp vụ", actor=desk)

    assert InquiryNote.objects.get().author == desk
    assert not InquiryMessage.objects.exists()


# --- periodic jobs -------------------------------------------------------------------------


def test_answered_inquiries_close_after_the_quiet_period_only(submit, desk, settings):
    settings.INQUIRY_QUIET_DAYS = 14
    old, recent = submit(), submit()
    for item in (old, recent):
        services.inquiry_answer(inquiry_id=item.pk, text="Trả lời", actor=desk)
    Inquiry.objects.filter(pk=old.pk).update(answered_at=timezone.now() - timedelta(days=15))

    assert services.inquiries_close_quiet() == 1
    assert services.inquiries_close_quiet() == 0

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("closed", "answered")
    assert old.events.last().actor is None


def test_overdue_inquiries_remind_the_assignee_daily_and_escalate_to_the_leader_once(
    inquiry, desk, branch, officer, leader, settings
):
    settings.INQUIRY_ESCALATE_AFTER_DAYS = 2
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=officer.official.pk, actor=desk)
    Inquiry.objects.filter(pk=inquiry.pk).update(due_date=date(2026, 3, 2))  # a Monday

    services.inquiries_remind_overdue(today=date(2026, 3, 3))
    services.inquiries_remind_overdue(today=date(2026, 3, 3))  # a second run the same day sends nothing more
    reminders = list(Notification.objects.filter(kind="inquiry_overdue").values_list("recipient", flat=True))
    assert reminders == [officer.email]

    services.inquiries_remind_overdue(today=date(2026, 3, 4))
    services.inquiries_remind_overdue(today=date(2026, 3, 5))

    recipients = sorted(Notification.objects.filter(kind="inquiry_overdue").values_list("recipient", flat=True))
    assert recipients == sorted([officer.email] * 3 + [leader.email])
    escalation = Notification.objects.get(recipient=leader.email)
    assert "Escalated" in escalation.subject or "Chuyển" in escalation.subject or escalation.subject


def test_an_unassigned_overdue_inquiry_reminds_the_inquiry_desk(inquiry, desk):
    Inquiry.objects.filter(pk=inquiry.pk).update(due_date=date(2026, 3, 2))

    services.inquiries_remind_overdue(today=date(2026, 3, 3))

    assert list(Notification.objects.filter(kind="inquiry_overdue").values_list("recipient", flat=True)) == [desk.email]


def test_answered_inquiries_are_not_reminded(inquiry, desk):
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời", actor=desk)
    Inquiry.objects.filter(pk=inquiry.pk).update(due_date=date(2026, 3, 2))

    assert services.inquiries_remind_overdue(today=date(2026, 3, 10)) == 0


# --- FAQ -----------------------------------------------------------------------------------


def test_an_answered_inquiry_is_published_as_an_edited_faq_entry(inquiry, desk):
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Theo Nghị định 08/2015.", actor=desk)

    entry = services.faq_publish(
        inquiry_id=inquiry.pk, question="Thủ tục tạm nhập tái xuất?", answer="Theo Nghị định 08/2015.", actor=desk
    )

    assert entry.search_text == "thu tuc tam nhap tai xuat?\ntheo nghi dinh 08/2015."
    assert FaqEntry.objects.get().source == inquiry


def test_an_unanswered_inquiry_cannot_become_an_faq_entry(inquiry, desk):
    with pytest.raises(ValidationError):
        services.faq_publish(inquiry_id=inquiry.pk, question="Q", answer="A", actor=desk)


def test_anonymising_blanks_the_submitters_details(inquiry):
    text = f"Tôi là {inquiry.name}, email {inquiry.email}, gọi 0912 345 678 hoặc a@b.vn, MST 0100233488."

    cleaned = services.anonymise(inquiry, text)

    assert "Hoa" not in cleaned and "hoa@example.vn" not in cleaned and "a@b.vn" not in cleaned
    assert "0100233488" not in cleaned and "0912 345 678" not in cleaned


def test_the_periodic_tasks_are_scheduled_and_safe_to_run_twice(submit, desk, settings):
    from complaints import tasks

    answered = submit()
    services.inquiry_answer(inquiry_id=answered.pk, text="Trả lời", actor=desk)
    Inquiry.objects.filter(pk=answered.pk).update(answered_at=timezone.now() - timedelta(days=30))

    assert tasks.close_quiet.apply().get() == 1
    assert tasks.close_quiet.apply().get() == 0
    assert tasks.remind_overdue.apply().get() == 0
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"complaints.close_quiet", "complaints.remind_overdue"} <= scheduled
