from datetime import timedelta

import pytest
from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from rest_framework.authtoken.models import Token

from customs_feedback.organization.roles import Role
from ratings.models import DailyRollup, Declaration, Rating, RatingStatus
from ratings.rollups import COUNTER_COLUMNS
from ratings.selectors import StatsFilter, rollup_rows, rollup_sums
from ratings.services import declarations_upsert, rating_reject
from ratings.tasks import rollup_rebuild_task
from tests.factories import (
    BranchFactory,
    OfficialFactory,
    TeamFactory,
    clearance_row,
    staff_user,
    valid_tax_code,
)
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db

URL = "/api/v1/ratings/stats/"


@pytest.fixture
def seeded(branch, team, leader):
    """Branch 03CC: 10 declarations cleared yesterday, 4 ratings of which one is rejected; 03EE: 4 declarations."""
    first = OfficialFactory(team=team, branch=branch, code="03CC-A")
    second = OfficialFactory(team=team, branch=branch, code="03CC-B")
    other = OfficialFactory(team=TeamFactory(branch=BranchFactory(code="03EE")), code="03EE-A")
    cleared = timezone.now() - timedelta(days=1)
    rows = [
        clearance_row(
            official,
            tax_code=valid_tax_code(n),
            number=f"1060000000{n:02d}",
            registered_at=cleared - timedelta(hours=3),
            cleared_at=cleared,
        )
        for n, official in enumerate([first] * 5 + [second] * 5 + [other] * 4)
    ]
    assert declarations_upsert(rows=rows, invite=False).created == 14
    declarations = list(Declaration.objects.order_by("number").select_related("enterprise"))
    rate(declarations[0], official=5, team=4, branch=5)
    rate(declarations[1], official=4, team=4)
    rate(declarations[5], official=2, team=3, branch=2, reason="delay")
    spam = rate(declarations[6], official=1, team=1, branch=1, reason="other", comment="spam")
    rating_reject(rating_id=spam.pk, reason="abusive", note="Spam", actor=leader)
    return {"first": first, "second": second, "other": other}


HAND_COMPUTED_03CC = {
    "declarations": 10,
    "ratings": 3,
    "participation_rate": 0.3,
    "average": {"official": 3.67, "team": 3.67, "branch": 3.5},
    "distribution": {
        "official": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "team": {"1": 0, "2": 0, "3": 1, "4": 2, "5": 0},
        "branch": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    },
    "satisfied_share": 0.625,  # 5 of the 8 scores given are 4 or 5 stars
}


def test_branch_figures_are_public_and_match_the_hand_computed_set(client, seeded):
    response = client.get(URL, {"branch": "03CC"})

    assert response.status_code == 200
    assert response.json() == HAND_COMPUTED_03CC


def test_department_figures_count_every_branch(client, seeded):
    figures = client.get(URL).json()

    assert (figures["declarations"], figures["ratings"], figures["participation_rate"]) == (14, 3, 0.2143)


def test_the_period_filters_by_clearance_day_and_rating_day(client, seeded):
    yesterday = timezone.localdate() - timedelta(days=1)

    figures = client.get(URL, {"branch": "03CC", "date_from": yesterday, "date_to": yesterday}).json()

    assert (figures["declarations"], figures["ratings"], figures["average"]) == (
        10,
        0,
        {"official": None, "team": None, "branch": None},
    )


def direct_aggregate(branch_code: str) -> dict:
    """The same figures computed straight from the raw rows, without the rollup."""
    declarations = Declaration.objects.filter(branch__code=branch_code, cleared_at__isnull=False).count()
    counted = Rating.objects.filter(branch__code=branch_code).exclude(status=RatingStatus.REJECTED)
    aggregate = counted.aggregate(
        ratings=Count("pk"),
        official=Avg("official_score"),
        team=Avg("team_score"),
        branch=Avg("branch_score"),
        **{
            f"{target}_{score}": Count("pk", filter=Q(**{f"{target}_score": score}))
            for target in ("official", "team", "branch")
            for score in range(1, 6)
        },
    )
    given = sum(aggregate[f"{t}_{s}"] for t in ("official", "team", "branch") for s in range(1, 6))
    satisfied = sum(aggregate[f"{t}_{s}"] for t in ("official", "team", "branch") for s in (4, 5))
    return {
        "declarations": declarations,
        "ratings": aggregate["ratings"],
        "participation_rate": round(aggregate["ratings"] / declarations, 4),
        "average": {
            t: None if aggregate[t] is None else round(aggregate[t], 2) for t in ("official", "team", "branch")
        },
        "distribution": {
            t: {str(s): aggregate[f"{t}_{s}"] for s in range(1, 6)} for t in ("official", "team", "branch")
        },
        "satisfied_share": round(satisfied / given, 4) if given else None,
    }


def test_after_the_rollup_job_the_endpoint_agrees_with_a_direct_aggregate(client, seeded):
    DailyRollup.objects.update(declarations=999, ratings=0, official_5=42)  # drift the job must repair

    rollup_rebuild_task()

    assert client.get(URL, {"branch": "03CC"}).json() == direct_aggregate("03CC") == HAND_COMPUTED_03CC
    assert client.get(URL, {"branch": "03EE"}).json()["declarations"] == direct_aggregate("03EE")["declarations"] == 4


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"branch": "ZZZZ"}, {"branch": ["Unknown branch code ZZZZ."]}),
        ({"date_from": "31/05/2020"}, {"date_from": ["Use a date such as 2020-05-31."]}),
        ({"date_to": "2026-02-30"}, {"date_to": ["Use a date such as 2020-05-31."]}),
        (
            {"period": "2026-13"},
            {"period": ["Use a period such as 2026 (a year), 2026-Q4 (a quarter) or 2026-11 (a month)."]},
        ),
        (
            {"period": "2026-Q5"},
            {"period": ["Use a period such as 2026 (a year), 2026-Q4 (a quarter) or 2026-11 (a month)."]},
        ),
        ({"period": "2026-11", "date_from": "2026-11-01"}, {"period": ["Give either a period or dates, not both."]}),
        ({"date_from": "2026-11-02", "date_to": "2026-11-01"}, {"date_to": ["The end date is before the start date."]}),
        ({"team": "TTHQ"}, {"team": ["Give the branch of the team too."]}),
    ],
)
def test_bad_stats_queries_are_answered_with_a_message(client, db, query, errors):
    response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == errors


def test_bad_stats_queries_are_answered_in_vietnamese_by_default(client, db):
    response = client.get(URL, {"period": "2026-13"})

    assert response.status_code == 400
    assert response.json() == {"period": ["Dùng kỳ như 2026 (một năm), 2026-Q4 (một quý) hoặc 2026-11 (một tháng)."]}


def test_team_and_official_figures_need_a_staff_sign_in(client, seeded):
    team = client.get(URL, {"branch": "03CC", "team": "TTHQ"}, HTTP_ACCEPT_LANGUAGE="en")
    official = client.get(URL, {"official": "03CC-A"})

    assert team.status_code == 401
    assert team.json() == {"detail": "Team and official figures are for customs staff: please sign in."}
    assert official.status_code == 401


def test_a_branch_leader_reads_team_and_official_figures_of_their_branch_only(client, seeded, leader):
    token = Token.objects.create(user=leader)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}", "HTTP_ACCEPT_LANGUAGE": "en"}

    team = client.get(URL, {"branch": "03CC", "team": "TTHQ"}, **auth)
    other = client.get(URL, {"official": "03EE-A"}, **auth)

    assert team.status_code == 200
    assert team.json()["ratings"] == 3
    assert other.status_code == 403
    assert other.json() == {"detail": "You may not see the figures of this team or official."}


def test_official_figures_are_withheld_below_the_minimum_sample(client, seeded, leader, settings):
    settings.RATING_MIN_SAMPLE = 2
    client.force_login(leader)

    first = client.get(URL, {"official": "03CC-A"}).json()  # two counted ratings
    second = client.get(URL, {"official": "03CC-B"}).json()  # one counted, one rejected

    assert first["average"] == {"official": 4.5, "team": 4.0, "branch": 5.0}
    assert (second["ratings"], second["average"], second["distribution"], second["satisfied_share"]) == (
        1,
        None,
        None,
        None,
    )


def test_an_official_asks_only_for_their_own_figures_and_only_per_closed_period(client, seeded, settings):
    settings.RATING_MIN_SAMPLE = 2
    user = staff_user(Role.OFFICIAL)
    seeded["first"].user = user
    seeded["first"].save()
    client.force_login(user)

    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
    no_period = client.get(URL, {"official": "03CC-A"}, **headers)
    window = client.get(URL, {"official": "03CC-A", "date_from": "2020-01-01"}, **headers)
    open_period = client.get(URL, {"official": "03CC-A", "period": f"{timezone.localdate():%Y-%m}"}, **headers)
    colleague = client.get(URL, {"official": "03CC-B", "period": "2020-01"}, **headers)
    team = client.get(URL, {"branch": "03CC", "team": "TTHQ"}, **headers)

    assert no_period.status_code == 400
    assert no_period.json() == {
        "period": ["Your own figures are published per closed period: add period=YYYY-MM, YYYY-Qn or YYYY."]
    }
    assert window.status_code == 403
    assert window.json() == {
        "detail": "Your own figures are published per closed period only: use period=YYYY-MM, YYYY-Qn or YYYY."
    }
    assert open_period.status_code == 403
    assert open_period.json() == {
        "detail": "This period is not over yet: your own figures are published once it has closed."
    }
    assert colleague.status_code == 403
    assert colleague.json() == {"detail": "You may not see the figures of this team or official."}
    assert team.status_code == 403


def test_the_public_page_shows_branch_figures_and_the_weekly_trend(client, seeded):
    response = client.get("/ratings/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Doanh nghiệp đánh giá chất lượng phục vụ" in page
    assert "03CC" in page
    assert response.context["total"]["ratings"] == 3
    assert sum(week["ratings"] for week in response.context["weekly"]) == 3


def test_the_portal_menu_links_the_ratings_page(client, db):
    assert 'href="/ratings/"' in client.get("/").content.decode()


def test_the_sums_statement_answers_as_the_orms_aggregate_for_every_filter(seeded):
    branch, other = seeded["first"].branch_id, seeded["other"].branch_id
    today = timezone.localdate()
    filters = [
        StatsFilter(),
        StatsFilter(branch_ids=[]),
        StatsFilter(branch_ids=[branch]),
        StatsFilter(branch_ids=[branch, other], date_from=today - timedelta(days=7), date_to=today),
        StatsFilter(team_id=seeded["first"].team_id, date_to=today - timedelta(days=30)),  # before every rating
        StatsFilter(official_id=seeded["second"].pk, date_from=today - timedelta(days=2)),
    ]
    for stats_filter in filters:
        sums = rollup_sums(rollup_rows(stats_filter))
        assert sums == rollup_rows(stats_filter).aggregate(**{c: Sum(c) for c in COUNTER_COLUMNS}), stats_filter
    assert rollup_sums(rollup_rows(StatsFilter()))["ratings"] == 3  # the rejected one is not counted
    assert set(rollup_sums(rollup_rows(StatsFilter(branch_ids=[]))).values()) == {None}
    with pytest.raises(ValueError, match="own columns"):
        rollup_sums(rollup_rows(StatsFilter()).filter(branch__code="03CC"))
