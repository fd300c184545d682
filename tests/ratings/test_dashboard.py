"""The ratings panel: branch figures from the rollup in the user's scope; an official's own aggregates only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ratings.models import CaseStatus, FollowUpCase, Rating
from ratings.tasks import rollup_rebuild_task
from tests.factories import (
    BranchFactory,
    DeclarationFactory,
    EnterpriseFactory,
    OfficialFactory,
    TeamFactory,
)
from tests.ratings.conftest import at, frozen, rate

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, str]:
    return {label: value for value, label in re.findall(r"<strong>(.*?)</strong><span>(.*?)</span>", html)}


@pytest.fixture
def rated_branches(official, leader):
    """Our branch: three ratings, one low (it opens a case, made overdue); another branch: two ratings."""
    rate(DeclarationFactory(official=official), official=5, team=5, branch=4)
    rate(DeclarationFactory(official=official), official=4, team=4, branch=4)
    rate(DeclarationFactory(official=official), official=1, team=2, branch=3, reason="attitude")
    DeclarationFactory(official=official)  # cleared, not rated
    other = OfficialFactory(team=TeamFactory(branch=BranchFactory(code="03ZZ")))
    for _number in range(2):
        rate(DeclarationFactory(official=other), official=2, team=2, branch=2, reason="delay")
    FollowUpCase.objects.filter(branch=official.branch).update(due_date=timezone.localdate() - timedelta(days=1))
    rollup_rebuild_task()  # the factory wrote declarations straight to the table, past the ingestion path
    return official


def test_a_branch_leader_sees_their_branch_figures_matching_the_database(client, rated_branches, leader):
    client.force_login(leader)

    shown = figures(client.get("/admin/").content.decode())

    branch = rated_branches.branch
    assert shown["lượt đánh giá"] == str(Rating.objects.filter(branch=branch).count()) == "3"
    assert shown["tỷ lệ tham gia đánh giá"] == "75,0%"  # 3 of the branch's 4 cleared declarations
    assert shown["vụ việc đang xác minh"] == "1"
    assert shown["vụ việc quá hạn"] == str(
        FollowUpCase.objects.filter(branch=branch, status=CaseStatus.OPEN, due_date__lt=timezone.localdate()).count()
    )


def test_the_overdue_figure_links_to_the_overdue_cases_of_the_branch(client, rated_branches, leader):
    client.force_login(leader)
    html = client.get("/admin/").content.decode()
    link = re.search(r'href="(/admin/ratings/followupcase/\?status__exact=open&amp;due_date__lt=[^"]+)"', html)

    listing = client.get(link.group(1).replace("&amp;", "&")).content.decode()

    case = FollowUpCase.objects.get(branch=rated_branches.branch)
    assert f"/admin/ratings/followupcase/{case.pk}/change/" in listing
    assert FollowUpCase.objects.exclude(branch=rated_branches.branch).count() == 2
    for other in FollowUpCase.objects.exclude(branch=rated_branches.branch):
        assert f"/admin/ratings/followupcase/{other.pk}/change/" not in listing


def test_an_official_sees_only_their_own_aggregates_never_a_rater(client, official, official_user, settings):
    settings.RATING_MIN_SAMPLE = 2
    enterprise = EnterpriseFactory(name_vi="Công ty TNHH Người Đánh Giá", email="rater@example.vn")
    with frozen(at("2026-11-10")):
        rate(DeclarationFactory(official=official, enterprise=enterprise, cleared_at=at("2026-11-09")), official=5)
    client.force_login(official_user)

    with frozen(at("2026-12-02")):
        few = client.get("/admin/").content.decode()
    with frozen(at("2026-11-11")):
        rate(DeclarationFactory(official=official, enterprise=enterprise, cleared_at=at("2026-11-10")), official=3)
    with frozen(at("2026-11-30")):
        client.force_login(official_user)  # the idle-session clock must not see time run backwards
        still_open = client.get("/admin/").content.decode()
    with frozen(at("2026-12-02")):
        client.force_login(official_user)
        enough = client.get("/admin/").content.decode()

    assert figures(few)["lượt đánh giá về công việc của tôi trong 2026-11"] == "1"
    assert figures(few)["điểm chỉ hiển thị khi có từ 2 lượt đánh giá"] == "—"
    assert figures(still_open)["lượt đánh giá về công việc của tôi trong 2026-10"] == "0"  # November not over
    assert figures(enough)["điểm trung bình cán bộ"] == "4,00 ★"
    for html in (few, still_open, enough):
        assert "Người Đánh Giá" not in html
        assert enterprise.tax_code not in html
        assert "Theo chi cục" not in html


def test_exports_of_ratings_and_cases_never_name_the_rater(client, rated_branches, leader):
    client.force_login(leader)

    for url in ("/admin/ratings/rating/export/csv/", "/admin/ratings/followupcase/export/csv/"):
        response = client.get(url)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = text.strip().splitlines()
        assert response.status_code == 200
        assert len(rows) == 1 + (3 if "rating/" in url else 1)  # our branch only
        for rating in Rating.objects.select_related("declaration__enterprise"):
            assert rating.declaration.enterprise.tax_code not in text
