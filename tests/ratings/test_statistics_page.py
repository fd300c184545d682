"""The statistics page's one-pass figures (GROUPING SETS on PostgreSQL) equal the five selector calls."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ratings.rollups import rollup_add
from ratings.selectors import StatsFilter
from ratings.statistics_page import figures_one_query_each, statistics_figures
from tests.ratings.test_stats import seeded  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("levels", [("branch",), ("branch", "team", "official")])
@pytest.mark.parametrize("min_sample", [0, 2])
def test_one_pass_gives_the_figures_of_the_separate_queries(seeded, branch, levels, min_sample):  # noqa: F811
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    dated = [  # read from whole months and days left over in every mix (ratings today, clearances yesterday)
        StatsFilter(date_from=yesterday, date_to=yesterday),
        StatsFilter(date_from=yesterday - timedelta(days=40), date_to=today),
        StatsFilter(date_to=yesterday),
        StatsFilter(date_from=today.replace(day=1), branch_ids=[branch.pk]),
    ]
    for stats_filter in (StatsFilter(), StatsFilter(branch_ids=[branch.pk]), StatsFilter(branch_ids=[]), *dated):
        one_pass = statistics_figures(stats_filter=stats_filter, levels=levels, min_sample=min_sample)

        assert one_pass == figures_one_query_each(stats_filter=stats_filter, levels=levels, min_sample=min_sample)
    everything = statistics_figures(stats_filter=StatsFilter(), levels=levels, min_sample=min_sample)
    assert (everything["total"]["declarations"], everything["total"]["ratings"]) == (14, 3)  # one rating rejected


def test_the_page_opens_on_the_last_12_months_and_all_time_stays_selectable(admin_client, seeded):  # noqa: F811
    official = seeded["first"]
    long_ago = timezone.localdate() - timedelta(days=400)
    rollup_add({(long_ago, official.branch_id, official.team_id, official.pk): {"declarations": 7}})
    url = reverse("admin:ratings_dailyrollup_changelist")

    opened = admin_client.get(url)
    all_time = admin_client.get(url, {"date_from": "", "date_to": ""})
    csv_default = admin_client.get(reverse("admin:ratings_statistics_csv")).content.decode("utf-8-sig")

    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    assert opened.context["total"]["declarations"] == 14  # the row of 400 days ago is outside the default year
    assert opened.context["form"]["date_from"].value() == year_ago  # shown in the filter, so it can be changed
    assert f'value="{year_ago}"' in opened.content.decode()
    assert all_time.context["total"]["declarations"] == 21
    assert csv_default.splitlines()[1].startswith("total,,,14,")
    assert admin_client.get(url, {"date_from": long_ago.isoformat()}).context["total"]["declarations"] == 21


def test_the_weekly_trend_shows_the_periods_last_13_weeks_and_the_csv_every_week(admin_client, seeded):  # noqa: F811
    from datetime import date

    from ratings.selectors import trend_window, week_start

    official = seeded["first"]
    today = timezone.localdate()
    long_ago = today - timedelta(days=200)
    rollup_add({(long_ago, official.branch_id, official.team_id, official.pk): {"declarations": 7}})
    url = reverse("admin:ratings_dailyrollup_changelist")

    all_time = admin_client.get(url, {"date_from": "", "date_to": ""})
    csv_all_time = admin_client.get(reverse("admin:ratings_statistics_csv"), {"date_from": "", "date_to": ""})

    first_shown = week_start(today) - timedelta(weeks=12)
    assert all_time.context["total"]["declarations"] == 21  # the totals still cover the whole period
    shown = [week["week"] for week in all_time.context["weekly"]]
    assert shown  # this week's ratings
    assert all(week >= first_shown for week in shown)  # the week of 200 days ago is left out
    assert "13 tuần cuối của khoảng thời gian" in all_time.content.decode()
    assert f"week,{week_start(long_ago).isoformat()}," in csv_all_time.content.decode("utf-8-sig")
    # The window ends at the period's end and never starts before the period.
    window = trend_window(StatsFilter(date_from=date(2026, 1, 7), date_to=date(2026, 3, 31)))
    assert (window.date_from, window.date_to) == (date(2026, 1, 7), date(2026, 3, 31))
    window = trend_window(StatsFilter(date_to=date(2026, 3, 31)))  # a Tuesday: 12 weeks before its Monday
    assert window.date_from == date(2026, 1, 5)
