"""The statistics page's one-pass figures (GROUPING SETS on PostgreSQL) equal the five selector calls."""

import pytest

from ratings.selectors import StatsFilter
from ratings.statistics_page import figures_one_query_each, statistics_figures
from tests.ratings.test_stats import seeded  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("levels", [("branch",), ("branch", "team", "official")])
@pytest.mark.parametrize("min_sample", [0, 2])
def test_one_pass_gives_the_figures_of_the_separate_queries(seeded, branch, levels, min_sample):  # noqa: F811
    for stats_filter in (StatsFilter(), StatsFilter(branch_ids=[branch.pk]), StatsFilter(branch_ids=[])):
        one_pass = statistics_figures(stats_filter=stats_filter, levels=levels, min_sample=min_sample)

        assert one_pass == figures_one_query_each(stats_filter=stats_filter, levels=levels, min_sample=min_sample)
    everything = statistics_figures(stats_filter=StatsFilter(), levels=levels, min_sample=min_sample)
    assert (everything["total"]["declarations"], everything["total"]["ratings"]) == (14, 3)  # one rating rejected
