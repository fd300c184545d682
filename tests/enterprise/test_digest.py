"""Participation: companies that choose it get one daily mail listing the day's cleared declarations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customs_feedback.notifications.models import Notification
from partnerships.models import RatingInvitationMode
from ratings.models import RatingInvitation
from ratings.services import declarations_upsert, invitations_send, rating_digests_send
from tests.factories import DeclarationFactory, clearance_row

pytestmark = pytest.mark.django_db


def cleared_today(enterprise, official, number: str):
    now = timezone.now()
    return DeclarationFactory(
        enterprise=enterprise, official=official, number=number, registered_at=now - timedelta(hours=3), cleared_at=now
    )


def test_the_daily_digest_replaces_per_declaration_mails(company, other_company, official, settings):
    settings.RATING_INVITATION_MIN_INTERVAL_HOURS = 0
    company.rating_invitations = RatingInvitationMode.DAILY
    company.save()
    digest_numbers = [cleared_today(company, official, f"40000000000{i}").number for i in range(1, 4)]
    each_number = cleared_today(other_company, official, "500000000001").number

    invitations_send(numbers=[*digest_numbers, each_number])
    assert list(Notification.objects.values_list("kind", "recipient")) == [("rating_invitation", other_company.email)]

    result = rating_digests_send()
    again = rating_digests_send()

    (digest,) = Notification.objects.filter(kind="rating_digest")
    assert digest.recipient == company.email
    assert (result.companies, result.declarations, again.declarations) == (1, 3, 0)
    for number in digest_numbers:
        assert number in digest.body_text
    assert each_number not in digest.body_text
    assert digest.body_text.count("/ratings/rate/") == 3
    assert RatingInvitation.objects.filter(declaration__number__in=digest_numbers).count() == 3
    assert Notification.objects.filter(recipient=company.email).count() == 1


def test_the_digest_link_rates_the_declaration(client, company, official):
    company.rating_invitations = RatingInvitationMode.DAILY
    company.save()
    declaration = cleared_today(company, official, "400000000009")
    rating_digests_send()
    link = next(word for word in Notification.objects.get().body_text.split() if "/ratings/rate/" in word)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path, {"official_score": "5"}).status_code == 200
    assert declaration.rating.official_score == 5


def test_a_company_that_wants_no_invitations_gets_none(company, official):
    company.rating_invitations = RatingInvitationMode.OFF
    company.save()
    number = cleared_today(company, official, "400000000010").number
    invitations_send(numbers=[number])
    rating_digests_send()
    assert not Notification.objects.exists()


def test_ingestion_of_a_cleared_declaration_sends_no_single_mail_to_a_digest_company(
    company, official, django_capture_on_commit_callbacks
):
    company.rating_invitations = RatingInvitationMode.DAILY
    company.save()
    now = timezone.now()
    row = clearance_row(
        official,
        tax_code=company.tax_code,
        number="400000000011",
        registered_at=now - timedelta(hours=2),
        cleared_at=now,
    )
    with django_capture_on_commit_callbacks(execute=True):
        declarations_upsert(rows=[row])
    assert not Notification.objects.filter(kind="rating_invitation").exists()
    rating_digests_send()
    assert Notification.objects.filter(kind="rating_digest", recipient=company.email).count() == 1
