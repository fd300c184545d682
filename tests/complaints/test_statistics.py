import statistics
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Inquiry
from complaints.rollup import inquiry_rollup_rebuild
from complaints.selectors import inquiry_stats
from complaints.statistics import HoursRange
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=HANOI)


def make(submit, *, category_code="procedures", answered_after_hours=None, due=date(2026, 3, 16), branch=None):
    inquiry = submit(category_code=category_code)
    first = MONDAY + timedelta(hours=answered_after_hours) if answered_after_hours is not None else None
    Inquiry.objects.filter(pk=inquiry.pk).update(
        submitted_at=MONDAY,
        first_answered_at=first,
        answered_at=first,
        due_date=due,
        branch=branch,
        status="answered" if first else "new",
    )
    inquiry_rollup_rebuild()  # written past the services, which keep the rollup
    return inquiry


def test_statistics_count_received_answered_on_time_and_the_median_time_to_answer(submit, branch):
    desk = staff_user("inquiry_desk")
    make(submit, answered_after_hours=10, branch=branch)
    make(submit, answered_after_hours=30, branch=branch)
    make(submit, answered_after_hours=24 * 20, category_code="origin")  # after its due date
    make(submit, category_code="origin")  # not answered yet
    resolved = make(submit)
    services.inquiry_resolve(inquiry_id=resolved.pk, status="out_of_scope", reason="Ngoài phạm vi", actor=desk)

    stats = inquiry_stats(user=desk)

    assert (stats["received"], stats["answered"]) == (4, 3)
    assert stats["on_time_share"] == round(2 / 3, 4)
    assert stats["median_hours_to_answer"] == (30, 36)  # the exact median, 30 h, is in the 30–36 h step
    assert [row["code"] for row in stats["by_category"]] == ["procedures", "origin"]  # in the categories' order
    by_category = {row["code"]: row for row in stats["by_category"]}
    assert (by_category["procedures"]["answered"], by_category["procedures"]["on_time_share"]) == (2, 1.0)
    assert (by_category["origin"]["received"], by_category["origin"]["on_time_share"]) == (2, 0.0)
    by_branch = {row["code"]: row for row in stats["by_branch"]}
    assert by_branch["03CC"]["median_hours_to_answer"] == (8, 36)  # between 10 h (8–12 h) and 30 h (30–36 h)
    assert by_branch[""]["received"] == 2


def test_statistics_respect_the_period_and_the_users_scope(submit, branch):
    make(submit, answered_after_hours=5, branch=branch)
    make(submit, answered_after_hours=5, branch=BranchFactory())
    leader = staff_user("branch_leader", branch=branch)

    assert inquiry_stats(user=leader)["received"] == 1
    assert inquiry_stats(user=staff_user("inquiry_desk"), date_from=date(2026, 3, 3))["received"] == 0
    assert inquiry_stats(user=staff_user("inquiry_desk"), date_to=date(2026, 3, 2))["received"] == 2


def test_statistics_with_nothing_answered_have_no_share_or_median(submit):
    make(submit)

    stats = inquiry_stats(user=staff_user("inquiry_desk"))

    assert (stats["on_time_share"], stats["median_hours_to_answer"]) == (None, None)


@pytest.mark.parametrize(
    "hours",
    [
        [0.2, 3, 7.5, 26, 26, 50, 51, 52, 300, 1000, 1200],
        [5, 5, 5, 5],
        [23.9, 24.1],
        [100, 700, 800, 900],
    ],
)
def test_the_approximate_median_lies_within_the_range_shown(submit, hours):
    for after in hours:
        make(submit, answered_after_hours=after)

    shown = inquiry_stats(user=staff_user("inquiry_desk"))["median_hours_to_answer"]

    assert statistics.median(hours) in shown
    # One step when the middle answer times share a bucket; the range is never wider than the two steps.
    middle = sorted(hours)[(len(hours) - 1) // 2 : len(hours) // 2 + 1]
    assert shown.low <= min(middle) and (shown.high is None or max(middle) < shown.high)


def test_the_last_step_is_open_ended():
    assert str(HoursRange(720, None)) == "≥ 720"
    assert 5000 in HoursRange(720, None)
    assert str(HoursRange(24, 30)) == "24–30" and 30 not in HoursRange(24, 30)


def test_the_statistics_page_says_the_median_is_approximate(admin_client, submit):
    make(submit, answered_after_hours=50)

    response = admin_client.get(reverse("admin:complaints_inquiry_statistics"))

    assert response.status_code == 200
    assert "48–60" in response.content.decode()
    assert "approximate" in response.content.decode() or "gần đúng" in response.content.decode()
