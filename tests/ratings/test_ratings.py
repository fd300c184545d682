from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customs_feedback.exceptions import DomainError, PermissionDenied
from ratings.models import Channel, DailyRollup, FollowUpCase, Rating, RatingEvent, RatingStatus
from ratings.services import AlreadyRated, rating_reject, rating_verify
from tests.factories import DeclarationFactory, EnterpriseFactory
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db

URL = "/api/v1/ratings/"


def body(declaration, **overrides):
    return {
        "declaration_number": declaration.number,
        "tax_code": declaration.enterprise.tax_code,
        "official_score": 5,
        "team_score": 4,
        "branch_score": 5,
        "reason": "",
        "comment": "Cán bộ hướng dẫn tận tình.",
        **overrides,
    }


def test_software_pushes_a_rating_and_it_is_received(api, api_key, declaration):
    response = api("post", URL, key=api_key("ratings"), data=body(declaration))

    assert response.status_code == 201
    rating = Rating.objects.get()
    assert response.json() == {"id": rating.pk, "status": "received"}
    assert (rating.official_score, rating.team_score, rating.branch_score) == (5, 4, 5)
    assert rating.channel == Channel.SOFTWARE
    assert [(event.from_status, event.to_status) for event in rating.events.all()] == [("", "received")]


def test_a_rating_counts_in_the_rollup_on_its_day(declaration):
    rating = rate(declaration, official=5, team=4, branch=None)

    row = DailyRollup.objects.get(day=rating.submitted_on)
    assert (row.ratings, row.official_5, row.team_4, row.branch_5) == (1, 1, 1, 0)


@pytest.mark.parametrize(
    ("overrides", "status", "expected"),
    [
        ({"official_score": 6}, 400, {"official_score": ["A score is a whole number of stars from 1 to 5."]}),
        ({"team_score": 0}, 400, {"team_score": ["A score is a whole number of stars from 1 to 5."]}),
        ({"branch_score": 3.5}, 400, {"branch_score": ["A score is a whole number of stars from 1 to 5."]}),
        ({"branch_score": [5]}, 400, {"branch_score": ["A score is a whole number of stars from 1 to 5."]}),
        ({"team_score": {"stars": 5}}, 400, {"team_score": ["A score is a whole number of stars from 1 to 5."]}),
        ({"official_score": True}, 400, {"official_score": ["A score is a whole number of stars from 1 to 5."]}),
        (
            {"official_score": None, "team_score": None, "branch_score": None},
            400,
            {"non_field_errors": ["Give at least one score: the official, the working team or the branch."]},
        ),
        ({"official_score": 2}, 400, {"reason": ["Please choose a reason when you give 2 stars or fewer."]}),
        ({"reason": "bad mood"}, 400, {"reason": ['"bad mood" is not a valid choice.']}),
        (
            {"tax_code": "0100233489"},
            400,
            {"tax_code": ["This tax code is not valid: its check digit does not match. Please check it."]},
        ),
        (
            {"declaration_number": "12"},
            400,
            {"declaration_number": ["A customs declaration number has exactly 12 digits."]},
        ),
        (
            {"declaration_number": "999999999999"},
            400,
            {"declaration_number": ["No customs declaration has this number."]},
        ),
    ],
)
def test_bad_ratings_are_refused_with_a_message_and_nothing_is_saved(
    api, api_key, declaration, overrides, status, expected
):
    response = api("post", URL, key=api_key("ratings"), data=body(declaration, **overrides))

    assert response.status_code == status
    assert response.json() == expected
    assert not Rating.objects.exists()
    assert not DailyRollup.objects.filter(ratings__gt=0).exists()


def test_an_enterprise_cannot_rate_someone_elses_declaration(api, api_key, declaration):
    other = EnterpriseFactory()

    response = api("post", URL, key=api_key("ratings"), data=body(declaration, tax_code=other.tax_code))

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the enterprise that made a declaration can rate it."}
    assert not Rating.objects.exists()
    assert not RatingEvent.objects.exists()
    assert not DailyRollup.objects.filter(ratings__gt=0).exists()


def test_a_declaration_cannot_be_rated_before_clearance(api, api_key, official):
    pending = DeclarationFactory(official=official, cleared_at=None)

    response = api("post", URL, key=api_key("ratings"), data=body(pending))

    assert response.status_code == 400
    assert response.json() == {
        "detail": "This declaration has not been cleared yet; it can be rated once it is cleared."
    }
    assert not Rating.objects.exists()
    assert not RatingEvent.objects.exists()
    assert not DailyRollup.objects.filter(ratings__gt=0).exists()


def test_a_declaration_cannot_be_rated_after_the_window(api, api_key, official, settings):
    settings.RATING_WINDOW_DAYS = 30
    old = DeclarationFactory(official=official, cleared_at=timezone.now() - timedelta(days=31))

    response = api("post", URL, key=api_key("ratings"), data=body(old))

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The time to rate this declaration has passed: ratings are accepted for 30 days after clearance."
    }
    assert not Rating.objects.exists()
    assert not RatingEvent.objects.exists()
    assert not DailyRollup.objects.filter(ratings__gt=0).exists()


def test_a_second_rating_of_the_same_declaration_is_409(api, api_key, declaration):
    key = api_key("ratings")
    api("post", URL, key=key, data=body(declaration))

    response = api("post", URL, key=key, data=body(declaration, official_score=1, reason="attitude"))

    assert response.status_code == 409
    assert response.json() == {"detail": "This declaration has already been rated."}
    assert Rating.objects.get().official_score == 5
    assert RatingEvent.objects.count() == 1
    assert DailyRollup.objects.get().ratings == 1


def test_rating_needs_the_ratings_scope_and_a_key(api, api_key, declaration):
    assert api("post", URL, data=body(declaration)).status_code == 401
    assert api("post", URL, key=api_key("declarations"), data=body(declaration)).status_code == 403


def test_errors_are_in_vietnamese_by_default(api, api_key, declaration):
    response = api("post", URL, key=api_key("ratings"), data=body(declaration, official_score=9), language="vi")

    assert response.json() == {"official_score": ["Điểm đánh giá là số sao nguyên từ 1 đến 5."]}


def test_a_rating_is_refused_by_the_service_for_a_low_score_without_reason(declaration):
    with pytest.raises(ValidationError) as raised:
        rate(declaration, official=1)

    assert raised.value.message_dict == {"reason": ["Vui lòng chọn lý do khi đánh giá từ 2 sao trở xuống."]}


def test_the_service_refuses_another_enterprise_and_a_second_rating(declaration):
    from ratings.services import RatingInput, rating_submit

    with pytest.raises(PermissionDenied):
        rating_submit(
            declaration_number=declaration.number,
            tax_code=EnterpriseFactory().tax_code,
            data=RatingInput(branch_score=5),
        )
    rate(declaration, branch=5)
    with pytest.raises(AlreadyRated):
        rate(declaration, branch=4)


def test_verifying_then_rejecting_a_rating_removes_it_from_the_statistics(declaration, leader):
    rating = rate(declaration, official=4, team=4, branch=4)

    rating_verify(rating_id=rating.pk, actor=leader)
    rating_reject(rating_id=rating.pk, reason="mistargeted", actor=leader, note="Rated the wrong branch")

    rating.refresh_from_db()
    assert rating.status == RatingStatus.REJECTED
    assert rating.rejection_reason == "mistargeted"
    row = DailyRollup.objects.get(day=rating.submitted_on)
    assert (row.ratings, row.official_4, row.team_4, row.branch_4) == (0, 0, 0, 0)
    assert list(RatingEvent.objects.filter(rating=rating).values_list("from_status", "to_status", "actor")) == [
        ("", "received", None),
        ("received", "verified", leader.pk),
        ("verified", "rejected", leader.pk),
    ]


def test_a_rejected_rating_cannot_be_rejected_again(declaration, leader):
    rating = rate(declaration, branch=3)
    rating_reject(rating_id=rating.pk, reason="invalid", actor=leader, note="Không phải tờ khai của doanh nghiệp")

    with pytest.raises(DomainError):
        rating_reject(rating_id=rating.pk, reason="invalid", actor=leader, note="Lần hai")

    assert DailyRollup.objects.get(day=rating.submitted_on).ratings == 0


def test_a_low_score_opens_a_case_for_the_branch_leader_with_a_working_day_deadline(
    declaration, leader, django_capture_on_commit_callbacks, mailoutbox
):
    from customs_feedback.workdays import add_working_days

    with django_capture_on_commit_callbacks(execute=True):
        rating = rate(declaration, official=2, team=3, branch=4, reason="delay")

    case = FollowUpCase.objects.get(rating=rating)
    assert case.assigned_to == leader.official
    assert case.due_date == add_working_days(case.opened_at, 10)
    assert case.status == "open"
    assert [message.to for message in mailoutbox] == [[leader.email]]
    assert case.reference in mailoutbox[0].subject + mailoutbox[0].body
    assert declaration.enterprise.tax_code not in mailoutbox[0].body  # staff notices never name the rater


def test_good_scores_open_no_case(declaration, leader):
    rate(declaration, official=3, team=4, branch=5)

    assert not FollowUpCase.objects.exists()
