from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from customs_feedback.exceptions import InvalidTransition
from customs_feedback.organization.roles import Role
from ratings.models import CaseStatus, FollowUpCase
from ratings.services import case_conclude, case_record_findings, cases_remind_overdue
from tests.factories import staff_user
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(declaration, leader):
    """A case whose official let the explanation deadline pass (the investigator may conclude)."""
    case = rate(declaration, official=1, team=2, branch=2, reason="attitude", comment="Cán bộ gây khó dễ").case
    FollowUpCase.objects.filter(pk=case.pk).update(explanation_due=timezone.localdate() - timedelta(days=1))
    case.refresh_from_db()
    return case


def test_closing_a_case_records_the_conclusion_and_tells_the_enterprise_in_its_language(
    case, leader, django_capture_on_commit_callbacks, mailoutbox
):
    enterprise = case.rating.declaration.enterprise
    enterprise.language = "en"
    enterprise.save()

    with django_capture_on_commit_callbacks(execute=True):
        case_record_findings(case_id=case.pk, findings="Camera footage reviewed.", actor=leader)
        case_conclude(
            case_id=case.pk,
            conclusion="substantiated",
            measure="reminder",
            action_taken="Official reprimanded.",
            actor=leader,
        )

    case.refresh_from_db()
    assert (case.status, case.conclusion, case.measure, case.action_taken) == (
        CaseStatus.CLOSED,
        "substantiated",
        "reminder",
        "Official reprimanded.",
    )
    assert case.closed_at is not None
    assert [message.to for message in mailoutbox] == [[enterprise.email]]
    assert "Substantiated: the official is responsible" in mailoutbox[0].body
    assert "Measure: Reminder" in mailoutbox[0].body
    assert "Official reprimanded." in mailoutbox[0].body
    assert "/ratings/status/" in mailoutbox[0].body
    assert list(case.events.values_list("from_status", "to_status")) == [
        ("", "open"),
        ("open", "open"),
        ("open", "closed"),
    ]


def test_a_case_cannot_be_closed_without_findings_conclusion_and_measure(case, leader):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        case_conclude(case_id=case.pk, conclusion="maybe", measure="fine", action_taken=" ", actor=leader)

    assert raised.value.message_dict == {
        "conclusion": ["Choose whether the complaint is substantiated."],
        "measure": ["Choose the measure taken."],
        "findings": ["Record the findings before closing the case."],
    }
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_closed_case_cannot_be_closed_twice(case, leader):
    case_conclude(case_id=case.pk, conclusion="not_substantiated", measure="none", findings="OK", actor=leader)

    with pytest.raises(InvalidTransition):
        case_conclude(case_id=case.pk, conclusion="substantiated", measure="training", findings="y", actor=leader)


def test_overdue_cases_are_reminded_once_a_day_then_escalated(
    case, leader, django_capture_on_commit_callbacks, mailoutbox
):
    boss = staff_user(Role.DEPARTMENT_LEADERSHIP, email="lanhdao@haiquan.example.vn")
    first_late_day = case.due_date + timedelta(days=1)
    much_later = case.due_date + timedelta(days=10)

    with django_capture_on_commit_callbacks(execute=True):
        assert cases_remind_overdue(today=case.due_date) == (0, 0)
        assert cases_remind_overdue(today=first_late_day) == (1, 0)
        assert cases_remind_overdue(today=first_late_day) == (0, 0)  # run twice the same day: nothing more
        assert cases_remind_overdue(today=much_later) == (1, 1)
        assert cases_remind_overdue(today=much_later + timedelta(days=1)) == (1, 0)  # escalated only once

    recipients = [message.to[0] for message in mailoutbox]
    assert recipients.count(leader.email) == 3
    assert recipients.count(boss.email) == 1
    case.refresh_from_db()
    assert case.escalated_at is not None


def test_closed_cases_are_not_reminded(case, leader):
    case_conclude(case_id=case.pk, conclusion="not_substantiated", measure="none", findings="-", actor=leader)

    assert cases_remind_overdue(today=timezone.localdate() + timedelta(days=60)) == (0, 0)


def test_a_branch_without_a_leader_sends_its_case_to_the_inspection_desk(declaration):
    rating = rate(declaration, branch=1, reason="harassment")

    case = FollowUpCase.objects.get(rating=rating)
    assert (case.desk, case.assigned_to) == ("inspection", None)


def test_the_case_page_shows_the_official_rated_and_the_reason_chosen(client, case, leader):
    client.force_login(leader)

    page = client.get(f"/admin/ratings/followupcase/{case.pk}/change/").content.decode()

    assert case.rating.official.full_name in page
    assert "Thái độ" in page  # LowScoreReason.ATTITUDE in Vietnamese
    assert "Công chức được đánh giá" in page and "Lý do doanh nghiệp chọn" in page
