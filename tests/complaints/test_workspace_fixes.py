"""Inquiry pages as a decision needs them: empty sections hidden, the branch's officers, one answer, one greeting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import AnswerTemplate, InquiryMessage
from tests.factories import BranchFactory, OfficialFactory, TeamFactory

pytestmark = pytest.mark.django_db


def change_page(client, inquiry) -> str:
    return client.get(f"/admin/complaints/inquiry/{inquiry.pk}/change/").content.decode()


def test_the_answer_and_closure_sections_appear_only_once_filled(client, desk, inquiry, branch, leader):
    client.force_login(desk)
    before = change_page(client, inquiry)
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=None, actor=desk)
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Thực hiện theo Điều 50.", actor=leader)
    after = change_page(client, inquiry)

    heading = 'class="fieldset-heading">Trả lời</h2>'
    assert heading not in before and heading in after
    assert 'class="fieldset-heading">Kết thúc' not in before


def test_the_official_list_is_grouped_by_branch_and_an_official_of_another_branch_is_refused(
    client, desk, inquiry, branch
):
    other = OfficialFactory(team=TeamFactory(branch=BranchFactory(code="03EE")), full_name="Lê Văn Khác")
    own = OfficialFactory(team=TeamFactory(branch=branch), full_name="Phạm Thị Đúng")
    client.force_login(desk)
    url = reverse("admin:complaints_inquiry_assign", args=[inquiry.pk])

    form = client.get(url).content.decode()
    refused = client.post(url, {"branch": branch.pk, "assignee": other.pk})
    accepted = client.post(url, {"branch": branch.pk, "assignee": own.pk})

    assert '<optgroup label="03CC – ' in form and '<optgroup label="03EE – ' in form
    assert "complaints/assign.js" in form
    assert refused.status_code == 200
    assert "Chọn một công chức thuộc chi cục đã chọn." in refused.content.decode()
    assert accepted.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.assignee == own


def test_a_template_placeholder_is_never_sent(inquiry, desk, branch, leader, mailoutbox):
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=None, actor=desk)

    with pytest.raises(Exception) as refused:
        services.inquiry_answer(inquiry_id=inquiry.pk, text="Cục hướng dẫn như sau:\n…", actor=leader)

    assert refused.value.message_dict == {"text": ["Thay dấu “…” của mẫu bằng nội dung trả lời trước khi gửi."]}
    assert not inquiry.messages.exists()


def test_the_demo_answer_templates_do_not_greet_again(settings, tmp_path):
    import io

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())

    assert AnswerTemplate.objects.exists()
    assert not [t.title for t in AnswerTemplate.objects.all() if "Kính gửi" in t.text or "Trân trọng" in t.text]


def test_the_tracking_page_shows_each_answer_once(client, inquiry, desk, branch, leader):
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=None, actor=desk)
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Câu trả lời thứ nhất.", actor=leader)
    page_url = reverse("complaints:track", args=[inquiry.tracking_code, services.tracking_token(inquiry.tracking_code)])

    page = client.get(page_url).content.decode()

    assert page.count("Câu trả lời thứ nhất.") == 1


def test_the_faq_form_pairs_the_question_with_its_first_answer(client, inquiry, desk, branch, leader):
    services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=None, actor=desk)
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời câu hỏi ban đầu.", actor=leader)
    services.inquiry_reply(inquiry_id=inquiry.pk, text="Còn phí thì sao?")
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời câu hỏi về phí.", actor=leader)
    assert InquiryMessage.objects.filter(inquiry=inquiry, author="staff").count() == 2
    client.force_login(desk)

    form = client.get(reverse("admin:complaints_inquiry_faq", args=[inquiry.pk])).context["form"]

    assert form.initial["answer"] == "Trả lời câu hỏi ban đầu."
