import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ratings.models import Channel, Rating, RatingInvitation
from ratings.services import declarations_upsert, invitations_send, sampled
from tests import factories
from tests.factories import DeclarationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def clearance_row(official, enterprise, number="105000000001", cleared=True):
    now = timezone.now()
    return factories.clearance_row(
        official,
        tax_code=enterprise.tax_code,
        number=number,
        registered_at=now - timedelta(hours=5),
        cleared_at=now - timedelta(hours=1) if cleared else None,
    )


def link_in(message) -> str:
    return re.search(r"http://\S+/ratings/rate/\S+/", message.body).group(0)


def test_clearing_a_declaration_emails_one_invitation_with_a_signed_link(
    official, enterprise, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        declarations_upsert(rows=[clearance_row(official, enterprise, cleared=False)])
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        declarations_upsert(rows=[clearance_row(official, enterprise)])
        declarations_upsert(rows=[clearance_row(official, enterprise)])  # re-sent by the feed: no second email

    assert [message.to for message in mailoutbox] == [[enterprise.email]]
    assert "105000000001" in mailoutbox[0].body
    assert RatingInvitation.objects.get().declaration.number == "105000000001"


def test_an_enterprise_is_not_invited_again_within_the_minimum_interval(official, enterprise, settings):
    settings.RATING_INVITATION_MIN_INTERVAL_HOURS = 24
    first = DeclarationFactory(official=official, enterprise=enterprise)
    second = DeclarationFactory(official=official, enterprise=enterprise)

    assert invitations_send(numbers=[first.number, second.number]) == 1
    assert invitations_send(numbers=[second.number]) == 0


def test_enterprises_without_email_are_not_invited(official):
    silent = DeclarationFactory(official=official, enterprise=EnterpriseFactory(email=""))

    assert invitations_send(numbers=[silent.number]) == 0


def test_sampling_invites_a_stable_share_of_declarations():
    numbers = [f"{n:012d}" for n in range(2000)]

    chosen = [number for number in numbers if sampled(number, 0.25)]

    assert 400 < len(chosen) < 600
    assert chosen == [number for number in numbers if sampled(number, 0.25)]


@pytest.fixture
def invitation_link(official, enterprise, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        declarations_upsert(rows=[clearance_row(official, enterprise)])
    return link_in(mailoutbox[0]).split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def test_opening_the_link_shows_the_form_and_changes_nothing(client, invitation_link):
    response = client.get(invitation_link)

    assert response.status_code == 200
    assert "Đánh giá" in response.content.decode()
    assert not Rating.objects.exists()
    assert RatingInvitation.objects.get().used_at is None


def test_posting_the_form_records_the_rating_and_the_link_then_stops_working(client, invitation_link):
    form = {"official_score": "5", "team_score": "4", "branch_score": "5", "reason": "", "comment": "Nhanh chóng"}

    response = client.post(invitation_link, form)
    again = client.post(invitation_link, form)

    assert response.status_code == 200
    rating = Rating.objects.get()
    assert (rating.official_score, rating.team_score, rating.branch_score, rating.channel) == (
        5,
        4,
        5,
        Channel.EMAIL_LINK,
    )
    assert RatingInvitation.objects.get().used_at is not None
    assert again.status_code == 410
    assert "đã được sử dụng" in again.content.decode()


def test_a_low_score_without_reason_redisplays_the_form_with_the_error(client, invitation_link):
    response = client.post(invitation_link, {"official_score": "1", "team_score": "", "branch_score": ""})

    assert response.status_code == 400
    assert "2 sao" in response.content.decode()
    assert not Rating.objects.exists()


def test_the_form_speaks_the_enterprises_language(client, invitation_link, enterprise):
    enterprise.language = "en"
    enterprise.save()

    response = client.get(invitation_link)

    assert "Rate our service" in response.content.decode()


def test_a_forged_link_is_refused(client, db):
    response = client.get("/ratings/rate/not-a-real-token/")

    assert response.status_code == 410
    assert not Rating.objects.exists()


def test_an_expired_link_is_refused(client, invitation_link):
    RatingInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(invitation_link, {"branch_score": "5"})

    assert response.status_code == 410
    assert not Rating.objects.exists()


def test_the_language_switch_changes_the_language_of_the_rating_form(client, invitation_link):
    vietnamese = client.get(invitation_link).content.decode()
    client.cookies["django_language"] = "en"  # what the switch (set_language) leaves behind
    english = client.get(invitation_link).content.decode()

    assert '<html lang="vi"' in vietnamese
    assert '<html lang="en"' in english
