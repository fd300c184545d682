"""Independent verification: the rated branch's leader or the inspection desk, never an official the rating
names; a rejection needs a note, closes the case, tells the enterprise, who may contest once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from customs_feedback.organization.roles import Role
from ratings.models import ContestStatus, DailyRollup, FollowUpCase, Rating, RatingStatus
from ratings.rollups import COUNTER_COLUMNS, raw_counters
from ratings.services import rating_contest, rating_contest_decide, rating_reject
from tests.factories import DeclarationFactory, staff_user
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(client):
    def call(user, path, data=None, language="en"):
        token = Token.objects.get_or_create(user=user)[0]
        return client.post(
            path,
            data=data or {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
            HTTP_ACCEPT_LANGUAGE=language,
        )

    return call


NOTE_REQUIRED = "Write a note explaining the rejection; the enterprise is told."


def verify_url(rating):
    return f"/api/v1/ratings/{rating.pk}/verify/"


def reject_url(rating):
    return f"/api/v1/ratings/{rating.pk}/reject/"


def test_the_branch_leader_and_the_inspection_desk_verify(staff_api, declaration, leader, inspector, official):
    first = rate(declaration, branch=5)
    second = rate(DeclarationFactory(official=official), branch=4)

    by_leader = staff_api(leader, verify_url(first))
    by_inspection = staff_api(inspector, verify_url(second))

    assert (by_leader.status_code, by_leader.json()) == (200, {"id": first.pk, "status": "verified"})
    assert (by_inspection.status_code, by_inspection.json()) == (200, {"id": second.pk, "status": "verified"})


def test_a_branch_officer_and_the_official_rated_get_403(staff_api, declaration, branch, leader):
    rating = rate(declaration, official=1, reason="attitude")
    officer = staff_user(Role.BRANCH_OFFICER, branch=branch)
    rated = staff_user(Role.OFFICIAL)
    declaration.official.user = rated
    declaration.official.save()
    expected = {
        "detail": "Only the leader of the rated branch or the inspection desk may verify a rating, "
        "never an official it names."
    }

    for user in (officer, rated):
        response = staff_api(user, verify_url(rating))
        assert (response.status_code, response.json()) == (403, expected)
    rejected = staff_api(officer, reject_url(rating), {"reason": "abusive", "note": "x"})
    assert rejected.status_code == 403
    assert Rating.objects.get().status == RatingStatus.RECEIVED


def test_a_leader_rated_in_the_rating_cannot_verify_it(staff_api, leader, enterprise):
    rating = rate(DeclarationFactory(official=leader.official, enterprise=enterprise), branch=5)

    response = staff_api(leader, verify_url(rating), language="vi")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Chỉ lãnh đạo chi cục được đánh giá hoặc bộ phận Thanh tra – Kiểm tra được xác minh đánh giá, "
        "không bao giờ là công chức có tên trong đánh giá."
    }


def test_a_leader_of_another_branch_gets_403(staff_api, declaration):
    from tests.factories import BranchFactory

    stranger = staff_user(Role.BRANCH_LEADER, branch=BranchFactory(code="03EE"))
    rating = rate(declaration, branch=5)

    assert staff_api(stranger, verify_url(rating)).status_code == 403


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"reason": "abusive", "note": ""}, {"note": [NOTE_REQUIRED]}),
        ({"reason": "abusive", "note": "   "}, {"note": [NOTE_REQUIRED]}),
        ({"reason": "bad", "note": "x"}, {"reason": ['"bad" is not a valid choice.']}),
        ({"note": "x"}, {"reason": ["This field is required."]}),
    ],
)
def test_a_rejection_without_a_note_or_a_listed_reason_is_400(staff_api, declaration, leader, body, errors):
    rating = rate(declaration, branch=1, reason="delay")

    response = staff_api(leader, reject_url(rating), body)

    assert (response.status_code, response.json()) == (400, errors)
    assert Rating.objects.get().status == RatingStatus.RECEIVED


def test_rejecting_closes_the_case_uncounts_the_rating_and_tells_the_enterprise_why(
    staff_api, declaration, leader, django_capture_on_commit_callbacks, mailoutbox
):
    rating = rate(declaration, official=1, team=1, branch=1, reason="attitude")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api(leader, reject_url(rating), {"reason": "mistargeted", "note": "Tờ khai của chi cục khác"})

    assert (response.status_code, response.json()) == (200, {"id": rating.pk, "status": "rejected"})
    case = FollowUpCase.objects.get(rating=rating)
    assert (case.status, case.conclusion) == ("closed", "rating_rejected")
    assert DailyRollup.objects.get().ratings == 0
    assert [message.to for message in mailoutbox] == [[declaration.enterprise.email]]
    body = mailoutbox[0].body
    assert "Tờ khai của chi cục khác" in body and "/ratings/status/" in body
    assert "Nhầm đối tượng" in body  # the reason, in the enterprise's language


def test_the_enterprise_contests_once_and_the_inspection_desk_reinstates_the_rating(
    client, declaration, leader, inspector, django_capture_on_commit_callbacks, mailoutbox
):
    rating = rate(declaration, official=1, team=1, branch=1, reason="attitude")
    rating_reject(rating_id=rating.pk, reason="abusive", note="Ngôn từ không phù hợp", actor=leader)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        contest = rating_contest(rating_id=rating.pk, text="Chúng tôi phản ánh đúng sự việc.")
    with pytest.raises(Exception) as second:
        rating_contest(rating_id=rating.pk, text="Lần nữa")
    with django_capture_on_commit_callbacks(execute=True):
        rating_contest_decide(contest_id=contest.pk, reinstate=True, note="Phản ánh có căn cứ.", actor=inspector)

    rating.refresh_from_db()
    contest.refresh_from_db()
    case = FollowUpCase.objects.get(rating=rating)
    assert "once" in str(second.value) or "một lần" in str(second.value)
    assert (rating.status, contest.status) == (RatingStatus.VERIFIED, ContestStatus.REINSTATED)
    assert DailyRollup.objects.get().ratings == 1  # counted again
    assert (case.status, case.conclusion, case.desk) == ("open", "", "branch")
    recipients = [message.to[0] for message in mailoutbox]
    assert recipients.count(inspector.email) == 1  # the contest reached the inspection desk
    assert recipients.count(declaration.enterprise.email) == 1  # the decision reached the enterprise
    assert list(contest.events.values_list("from_status", "to_status")) == [("", "pending"), ("pending", "reinstated")]


def test_only_the_inspection_desk_decides_a_contest(declaration, leader, inspector):
    from customs_feedback.exceptions import PermissionDenied

    rating = rate(declaration, branch=2, reason="delay")
    rating_reject(rating_id=rating.pk, reason="invalid", note="Trùng lặp", actor=leader)
    contest = rating_contest(rating_id=rating.pk, text="Không trùng lặp.")

    with pytest.raises(PermissionDenied):
        rating_contest_decide(contest_id=contest.pk, reinstate=True, note="Tự quyết", actor=leader)
    rating_contest_decide(contest_id=contest.pk, reinstate=False, note="Giữ nguyên.", actor=inspector)

    rating.refresh_from_db()
    assert rating.status == RatingStatus.REJECTED
    assert DailyRollup.objects.get().ratings == 0


def test_a_contest_after_the_working_day_deadline_is_refused_on_the_link_page(client, declaration, leader, settings):
    from ratings.links import rating_status_token

    settings.RATING_CONTEST_WORKING_DAYS = 5
    rating = rate(declaration, branch=2, reason="delay")
    rating_reject(rating_id=rating.pk, reason="invalid", note="Trùng lặp", actor=leader)
    Rating.objects.filter(pk=rating.pk).update(rejected_at=timezone.now() - timedelta(days=30))
    url = reverse("ratings:status", kwargs={"token": rating_status_token(rating.pk)})

    page = client.get(url)
    posted = client.post(url, {"text": "Muộn"})

    assert page.status_code == 200 and page.context["form"] is None
    assert posted.status_code == 302
    assert not hasattr(Rating.objects.get(), "contest") or Rating.objects.get().contest is None


def test_the_rollups_low_and_rejected_counters_follow_rejection_and_reinstatement_as_the_raw_rows_do(
    declaration, leader, inspector
):
    """Low ratings (any score of 2 or less) and rejections by reason: the services' deltas equal a recount."""
    rating = rate(declaration, official=4, team=2, branch=5, reason="delay")
    key = (rating.submitted_on, rating.branch_id, rating.team_id, rating.official_id)
    columns = [column for column in COUNTER_COLUMNS if column != "declarations"]  # the factory skips the rollup

    def rollup_is_raw() -> dict:
        stored = DailyRollup.objects.values(*columns).get(day=key[0], official_id=key[3])
        raw = raw_counters(date_from=key[0], date_to=key[0])[key]
        assert stored == {column: raw.get(column, 0) for column in columns}
        return stored

    assert rollup_is_raw()["low"] == 1
    rating_reject(rating_id=rating.pk, reason="abusive", note="Ngôn từ không phù hợp", actor=leader)
    assert {key: value for key, value in rollup_is_raw().items() if value} == {"rejected_abusive": 1}
    contest = rating_contest(rating_id=rating.pk, text="Chúng tôi phản ánh đúng sự việc.")
    rating_contest_decide(contest_id=contest.pk, reinstate=True, note="Phản ánh có căn cứ.", actor=inspector)
    assert (rollup_is_raw()["low"], rollup_is_raw()["rejected_abusive"], rollup_is_raw()["ratings"]) == (1, 0, 1)
