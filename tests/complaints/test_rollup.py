"""The monthly inquiry rollup equals the raw aggregate after every kind of change, and the figures read from it
equal the figures counted from the inquiries, whatever the period."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import ANSWER_BUCKETS, Inquiry, InquiryRollup
from complaints.rollup import answer_bucket, inquiry_rollup_rebuild, raw_counters, rollup_counters
from complaints.statistics import group_counters, inquiry_stats, split_period
from customs_feedback.organization.scoping import for_user
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def assert_rollup_is_raw():
    assert rollup_counters() == raw_counters()


def test_each_change_moves_the_counts_as_the_raw_aggregate_does(submit, branch):
    desk = staff_user("inquiry_desk")
    other = BranchFactory()
    first, second, third = submit(), submit(category_code="origin"), submit()
    assert_rollup_is_raw()
    assert sum(row["received"] for row in rollup_counters().values()) == 3

    services.inquiry_assign(inquiry_id=first.pk, branch_id=branch.pk, assignee_id=None, actor=desk)
    assert_rollup_is_raw()
    services.inquiry_assign(inquiry_id=first.pk, branch_id=other.pk, assignee_id=None, actor=desk)  # re-assigned
    assert_rollup_is_raw()
    services.inquiry_answer(inquiry_id=first.pk, text="Trả lời.", actor=desk)
    assert_rollup_is_raw()
    services.inquiry_reply(inquiry_id=first.pk, text="Xin hỏi thêm.")  # reopens, a new due date
    assert_rollup_is_raw()
    services.inquiry_answer(inquiry_id=first.pk, text="Trả lời lần hai.", actor=desk)  # first answer kept
    assert_rollup_is_raw()
    services.inquiry_answer(inquiry_id=second.pk, text="Trả lời.", actor=desk)
    services.inquiries_close_quiet(now=timezone.now() + timedelta(days=60))
    assert_rollup_is_raw()
    services.inquiry_resolve(inquiry_id=third.pk, status="duplicate", reason="Trùng", actor=desk,
                             duplicate_of_code=first.tracking_code)  # fmt: skip
    assert_rollup_is_raw()
    totals = {name: sum(row[name] for row in rollup_counters().values()) for name in ("received", "set_aside")}
    assert totals == {"received": 2, "set_aside": 1}


def test_each_answer_time_counts_in_one_histogram_step_in_python_and_in_sql_alike(submit):
    """Times at the steps' edges (exactly 1 h, just under and exactly 24 h, the open last step) fall in the same
    step whether the service's snapshot (Python) or the rebuild (SQL) counts them."""
    desk = staff_user("inquiry_desk")
    submitted = datetime(2026, 3, 2, 9, tzinfo=HANOI)
    afters = [timedelta(minutes=30), timedelta(hours=1), timedelta(hours=24) - timedelta(microseconds=1),
              timedelta(hours=24), timedelta(hours=800)]  # fmt: skip
    for after in afters:
        inquiry = submit()
        services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời.", actor=desk)
        Inquiry.objects.filter(pk=inquiry.pk).update(submitted_at=submitted, first_answered_at=submitted + after)

    inquiry_rollup_rebuild()

    (counters,) = rollup_counters().values()
    expected = Counter(answer_bucket(after) for after in afters)
    assert expected == {"answered_0h": 1, "answered_1h": 1, "answered_18h": 1, "answered_24h": 1, "answered_720h": 1}
    assert {name: counters[name] for name in ANSWER_BUCKETS if counters[name]} == expected
    assert sum(counters[name] for name in ANSWER_BUCKETS) == counters["answered"]


def test_a_late_first_answer_is_counted_answered_but_not_on_time(submit):
    desk = staff_user("inquiry_desk")
    inquiry = submit()
    Inquiry.objects.filter(pk=inquiry.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    inquiry_rollup_rebuild()
    services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời muộn.", actor=desk)

    (counters,) = rollup_counters().values()
    assert (counters["answered"], counters["on_time"]) == (1, 0)
    assert_rollup_is_raw()


def test_the_rebuild_recounts_what_was_written_past_the_services(submit, branch):
    inquiries = [submit() for _ in range(3)]
    Inquiry.objects.filter(pk=inquiries[0].pk).update(
        submitted_at=datetime(2025, 5, 31, 23, 30, tzinfo=HANOI), branch=branch
    )
    assert rollup_counters() != raw_counters()

    inquiry_rollup_rebuild()

    assert_rollup_is_raw()
    assert InquiryRollup.objects.filter(month=date(2025, 5, 1), branch=branch).get().received == 1


def test_a_period_splits_into_whole_months_and_leftover_days():
    assert split_period(None, None) == ((None, None), [])
    assert split_period(date(2026, 3, 1), date(2026, 5, 31)) == ((date(2026, 3, 1), date(2026, 6, 1)), [])
    assert split_period(date(2026, 3, 10), date(2026, 5, 15)) == (
        (date(2026, 4, 1), date(2026, 5, 1)),
        [(date(2026, 3, 10), date(2026, 3, 31)), (date(2026, 5, 1), date(2026, 5, 15))],
    )
    assert split_period(date(2026, 3, 10), date(2026, 3, 20)) == (None, [(date(2026, 3, 10), date(2026, 3, 20))])
    assert split_period(date(2026, 3, 10), date(2026, 4, 20)) == (None, [(date(2026, 3, 10), date(2026, 4, 20))])
    december = (date(2025, 12, 2), date(2025, 12, 31))
    assert split_period(date(2025, 12, 2), None) == ((date(2026, 1, 1), None), [december])


@pytest.mark.parametrize(
    "date_from, date_to",
    [
        (None, None),
        (date(2026, 2, 1), None),
        (None, date(2026, 3, 31)),
        (date(2026, 1, 15), date(2026, 3, 10)),
        (date(2026, 3, 1), date(2026, 3, 1)),
        (date(2025, 12, 31), date(2026, 2, 28)),
    ],
)
def test_the_figures_of_any_period_equal_those_counted_from_the_inquiries(submit, branch, date_from, date_to):
    """Inquiries at month edges (late evening, local time) in Dec–Mar; rollup and raw agree for every window."""
    desk = staff_user("inquiry_desk")
    moments = [
        datetime(2025, 12, 31, 23, 30, tzinfo=HANOI),
        datetime(2026, 1, 1, 0, 10, tzinfo=HANOI),
        datetime(2026, 1, 15, 9, tzinfo=HANOI),
        datetime(2026, 2, 28, 23, 59, tzinfo=HANOI),
        datetime(2026, 3, 1, 7, tzinfo=HANOI),
        datetime(2026, 3, 10, 16, tzinfo=HANOI),
    ]
    for number, moment in enumerate(moments):
        inquiry = submit(category_code="origin" if number % 2 else "procedures")
        if number % 3:
            services.inquiry_assign(inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=None, actor=desk)
        if number != 4:
            services.inquiry_answer(inquiry_id=inquiry.pk, text="Trả lời.", actor=desk)
        submitted = moment
        Inquiry.objects.filter(pk=inquiry.pk).update(
            submitted_at=submitted,
            first_answered_at=submitted + timedelta(days=number * 4),
            due_date=submitted.date() + timedelta(days=9),
        )
    inquiry_rollup_rebuild()
    user = staff_user("inquiry_desk")
    scoped = {"rollup": for_user(user, InquiryRollup.objects.all()), "inquiries": for_user(user, Inquiry.objects.all())}

    from_rollup = group_counters(**scoped, date_from=date_from, date_to=date_to)
    counted = group_counters(**scoped, date_from=date_from, date_to=date_to, raw=True)

    assert {key: row for key, row in from_rollup.items() if any(row.values())} == counted
    assert inquiry_stats(user=user, date_from=date_from, date_to=date_to)["received"] == sum(
        row["received"] for row in counted.values()
    )


def test_a_branch_officer_counts_only_the_inquiries_assigned_to_them(submit, branch):
    desk = staff_user("inquiry_desk")
    officer = staff_user("branch_officer", branch=branch)
    mine = officer.official
    for assignee in (mine, None, None):
        inquiry = submit()
        services.inquiry_assign(
            inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=assignee.pk if assignee else None, actor=desk
        )

    assert inquiry_stats(user=officer)["received"] == 1
    assert inquiry_stats(user=staff_user("branch_leader", branch=branch))["received"] == 3


def test_a_reader_with_nothing_in_scope_gets_empty_figures(submit):
    services.inquiry_answer(inquiry_id=submit().pk, text="Trả lời.", actor=staff_user("inquiry_desk"))

    stats = inquiry_stats(user=staff_user("branch_officer"))  # no official record: no branch, no assignment

    assert (stats["received"], stats["median_hours_to_answer"], stats["by_category"]) == (0, None, [])
