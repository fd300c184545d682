from datetime import date

import pytest
from django.urls import reverse

from customs_feedback.organization.roles import Role
from ratings.models import FollowUpCase, RaterIdentityView, Rating, RatingStatus
from tests.factories import BranchFactory, DeclarationFactory, OfficialFactory, TeamFactory, staff_user
from tests.ratings.conftest import at, frozen, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rating(declaration, leader):
    return rate(declaration, official=1, team=2, branch=2, reason="attitude", comment="Thái độ chưa đúng mực")


def test_the_investigator_and_the_inspection_desk_see_who_rated_nobody_else_and_each_look_is_logged(
    client, low_rating, leader, branch
):
    tax_code = low_rating.declaration.enterprise.tax_code
    officer = staff_user(Role.BRANCH_OFFICER, branch=branch)
    boss = staff_user(Role.DEPARTMENT_LEADERSHIP)
    inspector = staff_user(Role.INSPECTION_DESK)
    case_url = reverse("admin:ratings_followupcase_change", args=[low_rating.case.pk])
    rating_url = reverse("admin:ratings_rating_change", args=[low_rating.pk])

    client.force_login(leader)
    investigator_pages = [client.get(case_url).content.decode(), client.get(rating_url).content.decode()]
    client.force_login(officer)
    officer_pages = [
        client.get(reverse("admin:ratings_rating_changelist")).content.decode(),
        client.get(rating_url).content.decode(),
    ]
    client.force_login(boss)
    boss_pages = [client.get(case_url).content.decode(), client.get(rating_url).content.decode()]
    client.force_login(inspector)
    inspection_pages = [client.get(case_url).content.decode()]

    assert all(tax_code in page for page in investigator_pages + inspection_pages)
    assert all(low_rating.declaration.number in page for page in investigator_pages)
    for page in officer_pages + boss_pages:
        assert tax_code not in page
        assert low_rating.declaration.number not in page
    assert "Thái độ chưa đúng mực" in boss_pages[0]
    assert sorted(RaterIdentityView.objects.values_list("viewer__username", "where")) == sorted(
        [(leader.username, "admin:case"), (leader.username, "admin:rating"), (inspector.username, "admin:case")]
    )


def test_the_enterprise_is_not_in_the_rating_api_answer(api, api_key, declaration):
    response = api(
        "post",
        "/api/v1/ratings/",
        key=api_key("ratings"),
        data={"declaration_number": declaration.number, "tax_code": declaration.enterprise.tax_code, "branch_score": 5},
    )

    assert set(response.json()) == {"id", "status"}


def test_a_branch_officer_sees_only_ratings_in_cases_assigned_to_them_never_their_own(client, branch, official, leader):
    officer = staff_user(Role.BRANCH_OFFICER, branch=branch)
    own = rate(DeclarationFactory(official=officer.official), official=1, reason="delay")
    colleague = rate(DeclarationFactory(official=official), branch=4)
    assigned = rate(DeclarationFactory(official=official), official=2, reason="attitude")
    FollowUpCase.objects.filter(rating=assigned).update(assigned_to=officer.official)
    elsewhere = rate(
        DeclarationFactory(official=OfficialFactory(team=TeamFactory(branch=BranchFactory(code="03EE")))), branch=3
    )
    client.force_login(officer)

    response = client.get(reverse("admin:ratings_rating_changelist"))

    shown = {rating.pk for rating in response.context["cl"].result_list}
    assert shown == {assigned.pk}
    assert not shown & {own.pk, colleague.pk, elsewhere.pk}


def test_verify_action_and_reject_page_call_the_services(client, declaration, leader):
    rating = rate(declaration, branch=4)
    client.force_login(leader)
    changelist = reverse("admin:ratings_rating_changelist")
    reject_url = reverse("admin:ratings_rating_reject", args=[rating.pk])

    client.post(changelist, {"action": "verify", "_selected_action": [rating.pk]})
    rating.refresh_from_db()
    assert rating.status == RatingStatus.VERIFIED

    without_note = client.post(reject_url, {"reason": "abusive", "note": ""})
    assert without_note.status_code == 200 and "note" in without_note.context["form"].errors
    client.post(reject_url, {"reason": "abusive", "note": "Ngôn từ xúc phạm"})
    rating.refresh_from_db()
    assert (rating.status, rating.rejection_reason, rating.rejection_note) == (
        RatingStatus.REJECTED,
        "abusive",
        "Ngôn từ xúc phạm",
    )
    assert rating.events.count() == 3

    response = client.post(changelist, {"action": "verify", "_selected_action": [rating.pk]}, follow=True)
    assert f"#{rating.pk}" in response.content.decode()  # the refused transition is reported, not raised
    assert Rating.objects.get().status == RatingStatus.REJECTED


def test_the_case_is_closed_from_the_admin_button(
    client, low_rating, leader, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(leader)
    url = reverse("admin:ratings_followupcase_change", args=[low_rating.case.pk])

    FollowUpCase.objects.filter(pk=low_rating.case.pk).update(explanation_due=date(2020, 1, 1))
    refused = client.post(
        url, {"findings": "", "conclusion": "", "measure": "", "action_taken": "", "_close_case": "1"}, follow=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "findings": "Đã xác minh qua camera.",
                "conclusion": "substantiated",
                "measure": "review_session",
                "action_taken": "Kiểm điểm cán bộ.",
                "_close_case": "1",
            },
        )

    assert "Vui lòng ghi nhận kết quả xác minh trước khi kết thúc hồ sơ." in refused.content.decode()
    low_rating.case.refresh_from_db()
    assert (low_rating.case.status, low_rating.case.conclusion) == ("closed", "substantiated")
    assert [message.to for message in mailoutbox] == [[low_rating.declaration.enterprise.email]]


def test_an_official_sees_aggregates_of_their_own_work_only_per_closed_period(
    client, official, official_user, settings
):
    settings.RATING_MIN_SAMPLE = 2
    with frozen(at("2026-10-14")):
        for score in (5, 3):
            rate(DeclarationFactory(official=official, cleared_at=at("2026-10-13")), official=score)
    client.force_login(official_user)

    page = client.get(reverse("admin:ratings_dailyrollup_changelist"), {"period": "2026-10"})
    ratings_list = client.get(reverse("admin:ratings_rating_changelist"))

    assert page.status_code == 200
    assert page.context["own_only"] is True
    assert page.context["total"]["average"]["official"] == 4.0
    assert page.context["breakdowns"] == []
    assert ratings_list.status_code == 403


def test_an_officials_scores_are_withheld_below_the_minimum_sample(client, official, official_user, settings):
    settings.RATING_MIN_SAMPLE = 5
    with frozen(at("2026-10-14")):
        rate(DeclarationFactory(official=official, cleared_at=at("2026-10-13")), official=1, reason="delay")
    client.force_login(official_user)

    page = client.get(reverse("admin:ratings_dailyrollup_changelist"), {"period": "2026-10"})

    assert page.context["total"]["ratings"] == 1
    assert page.context["total"]["average"] is None


def test_statistics_export_as_csv_for_the_leaders_branch(client, declaration, leader):
    rate(declaration, official=5, team=5, branch=4)
    client.force_login(leader)

    response = client.get(reverse("admin:ratings_statistics_csv"))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("level,code,name,declarations,ratings,participation_rate,satisfied_share")
    assert lines[1].startswith("total,,,0,1,")
    assert any(line.startswith("branch,03CC,") for line in lines)


@pytest.mark.parametrize("role", [Role.BRANCH_LEADER, Role.BRANCH_OFFICER, Role.DEPARTMENT_LEADERSHIP])
def test_every_ratings_page_of_the_back_office_opens_for_each_role(client, low_rating, branch, role):
    user = staff_user(role, branch=branch if role != Role.DEPARTMENT_LEADERSHIP else None)
    client.force_login(user)
    pages = [
        reverse("admin:index"),
        reverse("admin:ratings_declaration_changelist"),
        reverse("admin:ratings_declaration_change", args=[low_rating.declaration.pk]),
        reverse("admin:ratings_rating_changelist"),
        reverse("admin:ratings_followupcase_changelist"),
        reverse("admin:ratings_followupcase_change", args=[low_rating.case.pk]),
        reverse("admin:ratings_dailyrollup_changelist"),
        reverse("admin:ratings_statistics_csv"),
    ]

    expected = dict.fromkeys(pages, 200)
    if role == Role.BRANCH_OFFICER:  # a case is the assigned investigator's work, not every officer's
        expected[reverse("admin:ratings_followupcase_change", args=[low_rating.case.pk])] = 302
    assert {url: client.get(url).status_code for url in pages} == expected


def test_api_clients_are_managed_by_the_system_administrator_only(client, branch):
    from django.contrib.auth import get_user_model

    boss = staff_user(Role.DEPARTMENT_LEADERSHIP)
    root = get_user_model().objects.create_superuser("quantri", "quantri@haiquan.example.vn", "correct-horse-battery")
    url = reverse("admin:ratings_apiclient_changelist")

    client.force_login(boss)
    refused = client.get(url).status_code
    client.force_login(root)

    assert refused == 403
    assert client.get(url).status_code == 200
