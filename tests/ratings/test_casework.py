"""No one investigates themselves; the official is heard, concluded on with a measure, and may appeal once;
the official's record; every rater can read what became of their rating."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from customs_feedback.exceptions import Conflict, DomainError, PermissionDenied
from customs_feedback.organization.roles import Role
from ratings.links import rating_status_token
from ratings.models import CaseAppeal, FollowUpCase
from ratings.services import (
    case_appeal,
    case_appeal_decide,
    case_conclude,
    case_explain,
    case_reassign,
    rating_reject,
)
from tests.factories import DeclarationFactory, staff_user
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(official):
    """The official of the declaration, with a staff account (role: official)."""
    official.user = staff_user(Role.OFFICIAL, email="congchuc@haiquan.example.vn")
    official.save()
    return official.user


@pytest.fixture
def case(declaration, leader, rated):
    return rate(declaration, official=1, team=2, branch=2, reason="attitude", comment="Gây khó dễ").case


def test_a_case_of_the_rated_leader_goes_to_the_inspection_desk_and_the_leader_is_asked_to_explain(
    leader, inspector, enterprise, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        rating = rate(DeclarationFactory(official=leader.official, enterprise=enterprise), official=1, reason="delay")

    case = FollowUpCase.objects.get(rating=rating)
    assert (case.desk, case.assigned_to) == ("inspection", None)
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {inspector.email, leader.email}
    explain = by_recipient[leader.email]
    assert case.reference in explain.subject
    assert "giải trình" in explain.body
    for message in mailoutbox:  # staff notices never name the rater
        assert enterprise.tax_code not in message.body and enterprise.name_vi not in message.body


def test_the_leader_rated_cannot_conclude_or_see_the_rater_but_the_inspection_desk_can(
    client, leader, inspector, enterprise
):
    rating = rate(DeclarationFactory(official=leader.official, enterprise=enterprise), official=1, reason="delay")
    case = rating.case
    FollowUpCase.objects.filter(pk=case.pk).update(explanation_due=date(2020, 1, 1))
    url = reverse("admin:ratings_followupcase_change", args=[case.pk])

    with pytest.raises(PermissionDenied):
        case_conclude(case_id=case.pk, conclusion="substantiated", measure="none", findings="x", actor=leader)
    client.force_login(leader)
    leader_page = client.get(url)
    client.force_login(inspector)
    inspection_page = client.get(url)

    assert leader_page.status_code in (200, 302)
    assert enterprise.tax_code not in leader_page.content.decode()
    assert enterprise.tax_code in inspection_page.content.decode()
    case_conclude(case_id=case.pk, conclusion="not_substantiated", measure="none", findings="OK", actor=inspector)


def test_a_leader_reassigns_a_case_with_a_reason_and_the_event_says_so(case, leader, branch):
    officer = staff_user(Role.BRANCH_OFFICER, branch=branch)

    with translation.override("en"), pytest.raises(ValidationError) as no_reason:
        case_reassign(case_id=case.pk, actor=leader, reason=" ", to_official_id=officer.official.pk)
    with translation.override("en"), pytest.raises(ValidationError) as to_rated:
        case_reassign(case_id=case.pk, actor=leader, reason="x", to_official_id=case.rating.official_id)
    with pytest.raises(PermissionDenied):
        case_reassign(case_id=case.pk, actor=officer, reason="Tự nhận", to_official_id=officer.official.pk)
    case_reassign(case_id=case.pk, actor=leader, reason="Đội trưởng trực tiếp", to_official_id=officer.official.pk)

    case.refresh_from_db()
    assert no_reason.value.message_dict == {"reason": ["Give the reason for the reassignment."]}
    assert to_rated.value.message_dict == {"to_official": ["The official rated cannot investigate their own case."]}
    assert (case.desk, case.assigned_to_id) == ("branch", officer.official.pk)
    assert "Đội trưởng trực tiếp" in case.events.last().note


def test_the_official_explains_once_before_the_deadline_and_only_then_may_the_case_be_concluded(case, leader, rated):
    with pytest.raises(Conflict):  # the official is still within their time to explain
        case_conclude(case_id=case.pk, conclusion="substantiated", measure="reminder", findings="x", actor=leader)
    with pytest.raises(PermissionDenied):
        case_explain(case_id=case.pk, text="Tôi giải trình thay", actor=leader)

    case_explain(case_id=case.pk, text="Hồ sơ thiếu chứng từ nên phải yêu cầu bổ sung.", actor=rated)
    with translation.override("en"), pytest.raises(Conflict) as twice:
        case_explain(case_id=case.pk, text="Lần hai", actor=rated)
    case_conclude(case_id=case.pk, conclusion="partly_substantiated", measure="training", findings="x", actor=leader)

    case.refresh_from_db()
    assert twice.value.message == "Your explanation has already been filed."
    assert (case.status, case.conclusion, case.measure) == ("closed", "partly_substantiated", "training")


def test_an_explanation_after_its_deadline_is_refused(case, rated):
    FollowUpCase.objects.filter(pk=case.pk).update(explanation_due=timezone.localdate() - timedelta(days=1))

    with translation.override("en"), pytest.raises(DomainError) as late:
        case_explain(case_id=case.pk, text="Muộn", actor=rated)

    assert late.value.message.startswith("The time to explain ended on")


@pytest.fixture
def concluded(case, leader, rated):
    case_explain(case_id=case.pk, text="Giải trình", actor=rated)
    return case_conclude(case_id=case.pk, conclusion="substantiated", measure="reminder", findings="x", actor=leader)


def test_the_official_appeals_once_and_leadership_overturns_and_everyone_is_told(
    concluded, rated, leader, django_capture_on_commit_callbacks, mailoutbox
):
    boss = staff_user(Role.DEPARTMENT_LEADERSHIP, email="lanhdao@haiquan.example.vn")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        appeal = case_appeal(case_id=concluded.pk, text="Tôi đã làm đúng quy trình.", actor=rated)
    with pytest.raises(Conflict):
        case_appeal(case_id=concluded.pk, text="Lần hai", actor=rated)
    with pytest.raises(PermissionDenied):
        case_appeal_decide(appeal_id=appeal.pk, overturn=True, note="x", actor=leader)
    with django_capture_on_commit_callbacks(execute=True):
        case_appeal_decide(appeal_id=appeal.pk, overturn=True, note="Quy trình được tuân thủ.", actor=boss)

    concluded.refresh_from_db()
    appeal.refresh_from_db()
    assert (concluded.status, concluded.conclusion, concluded.measure) == ("closed", "not_substantiated", "none")
    assert appeal.status == "overturned"
    recipients = [message.to[0] for message in mailoutbox]
    assert recipients.count(boss.email) == 1  # the appeal reached leadership
    assert recipients.count(rated.email) == 1  # the decision reached the official
    assert recipients.count(concluded.rating.declaration.enterprise.email) == 1  # the new outcome, the enterprise


def test_a_not_substantiated_conclusion_or_a_late_appeal_is_refused(case, leader, rated):
    case_explain(case_id=case.pk, text="Giải trình", actor=rated)
    case_conclude(case_id=case.pk, conclusion="not_substantiated", measure="none", findings="x", actor=leader)

    with pytest.raises(Conflict):
        case_appeal(case_id=case.pk, text="x", actor=rated)
    FollowUpCase.objects.filter(pk=case.pk).update(
        conclusion="substantiated", closed_at=timezone.now() - timedelta(days=40)
    )
    with pytest.raises(DomainError):
        case_appeal(case_id=case.pk, text="x", actor=rated)
    assert not CaseAppeal.objects.exists()


def test_the_record_page_is_for_the_official_their_leader_inspection_and_leadership_and_never_names_raters(
    client, concluded, rated, leader, branch, inspector
):
    url = reverse("admin:ratings_official_record", args=[concluded.rating.official_id])
    colleague = staff_user(Role.BRANCH_OFFICER, branch=branch)
    boss = staff_user(Role.DEPARTMENT_LEADERSHIP)
    tax_code = concluded.rating.declaration.enterprise.tax_code

    pages = {}
    for user in (rated, leader, inspector, boss, colleague):
        client.force_login(user)
        pages[user.username] = client.get(url)

    assert pages[colleague.username].status_code == 403
    for user in (rated, leader, inspector, boss):
        page = pages[user.username]
        assert page.status_code == 200
        assert concluded.reference in page.content.decode()
        assert tax_code not in page.content.decode()


def test_the_official_files_an_explanation_from_the_record_page(client, case, rated):
    url = reverse("admin:ratings_official_record", args=[case.rating.official_id])
    client.force_login(rated)

    page = client.get(url)
    client.post(url, {"case": case.pk, "action": "explain", "text": "Giải trình qua trang hồ sơ"})

    assert page.context["rows"][0]["may_explain"] is True
    assert case.explanation.text == "Giải trình qua trang hồ sơ"


def test_the_submitting_software_reads_the_status_and_nothing_of_the_investigation(api, api_key, declaration, leader):
    key = api_key("ratings")
    created = api(
        "post",
        "/api/v1/ratings/",
        key=key,
        data={
            "declaration_number": declaration.number,
            "tax_code": declaration.enterprise.tax_code,
            "official_score": 1,
            "reason": "attitude",
        },
    ).json()
    url = f"/api/v1/ratings/{created['id']}/"

    under_follow_up = api("get", url, key=key)
    other_client = api("get", url, key=api_key("ratings"))
    rating_reject(rating_id=created["id"], reason="invalid", note="Không đúng tờ khai", actor=leader)
    rejected = api("get", url, key=key)

    assert under_follow_up.status_code == 200
    assert under_follow_up.json() == {
        "id": created["id"],
        "status": "under_follow_up",
        "case": {"status": "open", "outcome": None, "measure": None},
    }
    assert other_client.status_code == 403
    assert other_client.json() == {"detail": "Only the system that submitted a rating may read its status."}
    assert rejected.json() == {"id": created["id"], "status": "rejected", "rejection_reason": "invalid", "case": None}


def test_the_link_page_shows_the_outcome_and_changes_nothing_on_get(client, concluded):
    url = reverse("ratings:status", kwargs={"token": rating_status_token(concluded.rating_id)})

    page = client.get(url)
    forged = client.get(reverse("ratings:status", kwargs={"token": "forged"}))

    assert page.status_code == 200
    assert page.context["rater_status"] == "concluded"
    text = page.content.decode()
    assert "Có cơ sở" in text or "Substantiated" in text
    assert "Nhắc nhở" in text
    assert forged.status_code == 404
