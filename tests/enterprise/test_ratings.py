"""Rating from the portal and the enterprise API: one by one or several at once, under the same rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from partnerships.models import MemberRole
from ratings.models import Channel, Rating
from tests.enterprise.conftest import bearer, make_member, signed_in
from tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db

RATINGS = "/api/v1/enterprise/ratings/"


def test_a_declarant_rates_two_declarations_at_once_on_the_portal(company, manager, declarations):
    declarant = make_member(company, "thu@cangdinhvu.example.vn", role=MemberRole.DECLARANT)
    client = signed_in(declarant)
    response = client.post(
        "/doanh-nghiep/declarations/",
        {
            "declaration_numbers": [declarations[0].number, declarations[1].number],
            "official_score": "5",
            "team_score": "4",
            "branch_score": "5",
        },
    )
    assert response.status_code == 302
    ratings = Rating.objects.order_by("declaration__number")
    assert [(r.declaration.number, r.official_score, r.team_score, r.channel) for r in ratings] == [
        (declarations[0].number, 5, 4, Channel.PORTAL),
        (declarations[1].number, 5, 4, Channel.PORTAL),
    ]
    page = client.get("/doanh-nghiep/ratings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('<td class="rating-status">Received</td>') == 2


def test_a_low_score_without_a_reason_is_refused_for_all(company, manager, declarations):
    response = signed_in(manager).post(
        "/doanh-nghiep/declarations/",
        {"declaration_numbers": [d.number for d in declarations[:2]], "official_score": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Please choose a reason when you give 2 stars or fewer." in response.content.decode()
    assert not Rating.objects.exists()


def test_a_viewer_cannot_rate(company, manager, declarations):
    viewer = make_member(company, "xem@cangdinhvu.example.vn", role=MemberRole.VIEWER)
    response = signed_in(viewer).post(
        "/doanh-nghiep/declarations/", {"declaration_numbers": [declarations[0].number], "official_score": "5"}
    )
    assert response.status_code == 403
    api = signed_in(viewer).post(
        RATINGS,
        {"declaration_number": declarations[0].number, "official_score": 5},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(viewer),
    )
    assert api.status_code == 403
    assert api.json()["detail"] == "Your role in the company cannot rate declarations; ask a manager."
    assert not Rating.objects.exists()


def test_the_api_rates_several_and_answers_409_per_already_rated_number(client, manager, declarations):
    headers = bearer(manager)
    first = client.post(
        RATINGS,
        {"declaration_number": declarations[0].number, "official_score": 4},
        content_type="application/json",
        **headers,
    )
    assert first.status_code == 201
    (rating_id,) = first.json()["created"]

    both = client.post(
        RATINGS,
        {"declaration_numbers": [declarations[0].number, declarations[1].number], "official_score": 5},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    assert both.status_code == 409
    assert both.json()["declaration_numbers"] == {declarations[0].number: "This declaration has already been rated."}
    assert list(Rating.objects.values_list("pk", flat=True)) == [rating_id]  # nothing else recorded

    rest = client.post(
        RATINGS,
        {"declaration_numbers": [declarations[1].number, declarations[2].number], "official_score": 5},
        content_type="application/json",
        **headers,
    )
    assert rest.status_code == 201
    assert len(rest.json()["created"]) == 2


def test_a_declaration_out_of_the_window_is_refused(client, company, manager, official):
    old = DeclarationFactory(
        enterprise=company, official=official, number="300000000099", cleared_at=timezone.now() - timedelta(days=45)
    )
    response = client.post(
        RATINGS,
        {"declaration_numbers": [old.number], "official_score": 5},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(manager),
    )
    assert response.status_code == 400
    assert "The time to rate this declaration has passed" in response.json()["declaration_numbers"][old.number]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"official_score": 5}, "declaration_numbers", "Send either declaration_number or declaration_numbers."),
        ({"declaration_numbers": ["12"], "official_score": 5}, "declaration_numbers", "exactly 12 digits"),
        ({"declaration_numbers": ["300000000001"], "official_score": 9}, "official_score", "from 1 to 5"),
        (
            {"declaration_number": "300000000001", "tax_code": "0200519875", "official_score": 5},
            "tax_code",
            "not the tax code",
        ),
    ],
)
def test_bad_rating_input_is_a_400(client, manager, declarations, payload, field, message):
    response = client.post(
        RATINGS, payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **bearer(manager)
    )
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Rating.objects.exists()


def test_unrated_declarations_for_declaration_software(client, manager, declarations, official, company):
    DeclarationFactory(enterprise=company, official=official, number="300000000088", cleared_at=None)
    client.post(
        RATINGS,
        {"declaration_number": declarations[0].number, "official_score": 5},
        content_type="application/json",
        **bearer(manager),
    )
    headers = bearer(manager)
    every = client.get("/api/v1/enterprise/declarations/", **headers).json()
    unrated = client.get("/api/v1/enterprise/declarations/?unrated=1", **headers).json()

    assert {row["number"] for row in every} == {d.number for d in declarations} | {"300000000088"}
    assert {row["number"] for row in unrated} == {declarations[1].number, declarations[2].number}
    rated = next(row for row in every if row["number"] == declarations[0].number)
    assert rated["rating"]["status"] == "received"
    assert set(unrated[0]) == {"number", "cleared_at", "rating", "rate_until"}
    bad = client.get("/api/v1/enterprise/declarations/?unrated=maybe", HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert bad.status_code == 400
    assert bad.json()["unrated"] == ["Use 1 for unrated declarations only, or leave it out."]


def test_the_enterprise_api_needs_a_valid_bearer_token(client):
    for path in ("/api/v1/enterprise/me/", "/api/v1/enterprise/declarations/"):
        assert client.get(path).status_code == 401
        response = client.get(path, HTTP_AUTHORIZATION="Bearer nonsense", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401
        assert response.json()["detail"] == "This token is not valid or has expired. Please sign in again."
