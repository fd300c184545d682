"""Rater protection that holds: an official's own figures exist only per closed period and only from the
minimum sample in every month of it, so no two answers can be subtracted to reveal one rating."""

import pytest
from django.urls import reverse

from customs_feedback.organization.roles import Role
from ratings.selectors import StatsFilter, bayesian_average, rating_stats_breakdown
from tests.factories import BranchFactory, DeclarationFactory, OfficialFactory, TeamFactory, staff_user
from tests.ratings.conftest import at, frozen, rate

pytestmark = pytest.mark.django_db

URL = "/api/v1/ratings/stats/"
TODAY = "2026-12-02"


def rate_on(official, day: str, score: int):
    """A rating of `official`'s work submitted on `day` (declaration cleared the day before)."""
    with frozen(at(day)):
        declaration = DeclarationFactory(official=official, cleared_at=at(day, hour=8))
        return rate(declaration, official=score, reason="delay" if score <= 2 else "")


@pytest.fixture
def history(official, settings):
    """Jul: 5 ratings of 5★; Aug: a single 1★; Sep: 5 ratings of 4★; Dec (open): one 1★ today."""
    settings.RATING_MIN_SAMPLE = 5
    for day in range(1, 6):
        rate_on(official, f"2026-07-{day + 6:02d}", 5)
        rate_on(official, f"2026-09-{day + 7:02d}", 4)
    rate_on(official, "2026-08-12", 1)
    rate_on(official, TODAY, 1)
    official.user = staff_user(Role.OFFICIAL)
    official.save()
    return official


def ask(client, **query):
    with frozen(at(TODAY, hour=15)):
        return client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")


def test_the_differencing_attack_learns_nothing_it_may_not(client, history):
    client.force_login(history.user)
    code = history.code

    # Two date windows a day apart: refused outright, both of them.
    windows = [ask(client, official=code, date_from="2026-12-01"), ask(client, official=code, date_from=TODAY)]
    # Periods that are not over yet (the 1★ of today is in them): refused.
    open_periods = [ask(client, official=code, period=p) for p in ("2026-12", "2026-Q4", "2026")]
    # Closed periods: July and September are whole samples; August (one rating) and the quarter holding it
    # are withheld, so quarter − July − September cannot be computed to reveal August's 1★.
    july, august, september, quarter = (
        ask(client, official=code, period=p) for p in ("2026-07", "2026-08", "2026-09", "2026-Q3")
    )

    assert [response.status_code for response in windows] == [403, 403]
    assert windows[0].json() == {
        "detail": "Your own figures are published per closed period only: use period=YYYY-MM, YYYY-Qn or YYYY."
    }
    assert [response.status_code for response in open_periods] == [403, 403, 403]
    assert july.json()["average"]["official"] == 5.0
    assert september.json()["average"]["official"] == 4.0
    for withheld in (august.json(), quarter.json()):
        assert (withheld["average"], withheld["distribution"], withheld["satisfied_share"]) == (None, None, None)
    assert (august.json()["ratings"], quarter.json()["ratings"]) == (1, 11)  # counts only, never scores


def test_a_leader_may_use_date_windows_on_an_official_of_their_branch(client, history, leader):
    client.force_login(leader)

    response = ask(client, official=history.code, date_from="2026-07-01", date_to="2026-07-31")

    assert response.status_code == 200
    assert (response.json()["ratings"], response.json()["min_sample"]) == (5, 5)


def test_a_branch_officer_reads_their_own_aggregates_and_nothing_of_colleagues(client, history, branch):
    officer = staff_user(Role.BRANCH_OFFICER, branch=branch)
    client.force_login(officer)

    colleague = ask(client, official=history.code, period="2026-07")
    team = ask(client, branch=branch.code, team=history.team.code)
    with frozen(at(TODAY, hour=15)):
        page = client.get(reverse("admin:ratings_dailyrollup_changelist"), {"period": "2026-07"})

    assert colleague.status_code == 403
    assert colleague.json() == {"detail": "You may not see the figures of this team or official."}
    assert team.status_code == 403
    assert page.context["own_only"] is True
    assert page.context["total"]["ratings"] == 0  # the officer's own work, not the branch's
    assert page.context["breakdowns"] == []


def test_the_inspection_desk_and_leadership_read_any_official(client, history):
    for role in (Role.INSPECTION_DESK, Role.DEPARTMENT_LEADERSHIP):
        client.force_login(staff_user(role))
        assert ask(client, official=history.code, period="2026-07").status_code == 200


def test_a_single_rating_never_puts_anyone_first_or_last_in_a_ranking(db, settings):
    settings.RATING_MIN_SAMPLE = 5
    settings.RATING_RANKING_PRIOR_WEIGHT = 10
    branch = BranchFactory(code="03PA")
    team = TeamFactory(branch=branch)
    steady, lucky, unlucky = (OfficialFactory(branch=branch, team=team) for _ in range(3))
    for score in [5, 5, 4, 5, 4, 5, 4, 5, 5, 4, 5, 5]:
        rate(DeclarationFactory(official=steady), official=score)
    rate(DeclarationFactory(official=lucky), official=5)
    rate(DeclarationFactory(official=unlucky), official=1, reason="delay")

    published = rating_stats_breakdown(stats_filter=StatsFilter(branch_ids=[branch.pk]), by="official", min_sample=5)
    ranked = rating_stats_breakdown(stats_filter=StatsFilter(branch_ids=[branch.pk]), by="official", min_sample=1)

    by_code = {row["code"]: row for row in published}
    assert by_code[lucky.code]["sample"] == 1  # the sample size is published ...
    assert by_code[lucky.code]["average"] is None and by_code[lucky.code]["ranking"] is None  # ... the rest withheld
    assert published[0]["code"] == steady.code
    # Even where single ratings are shown, the one 5★ does not beat twelve ratings averaging 4.67.
    assert [row["code"] for row in ranked] == [steady.code, lucky.code, unlucky.code]
    branch_mean = (sum([5, 5, 4, 5, 4, 5, 4, 5, 5, 4, 5, 5]) + 5 + 1) / 14
    lucky_row = next(row for row in ranked if row["code"] == lucky.code)
    assert lucky_row["ranking"]["official"] == bayesian_average(5, 1, prior_mean=branch_mean, prior_weight=10)
    assert ranked[-1]["ranking"]["official"] > 3.5  # one 1★ pulls only a little below the mean
