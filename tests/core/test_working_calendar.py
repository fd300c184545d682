"""The working calendar is admin data over holidays.VN: moved days and the department's own days off."""

from datetime import date
from unittest import mock

import pytest

from customs_feedback.core.models import CalendarDay, ConfigurationChange
from customs_feedback.organization.roles import Role
from customs_feedback.workdays import add_working_days, is_working_day, working_days_between
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

FRIDAY = date(2025, 4, 25)
COMPENSATORY_SATURDAY = date(2025, 4, 26)  # worked in exchange for Friday 2 May 2025
DECLARED_DAY_OFF = date(2025, 4, 28)  # a Monday the department closes


def test_without_the_calendar_a_saturday_is_no_working_day():
    assert not is_working_day(COMPENSATORY_SATURDAY)
    assert add_working_days(FRIDAY, 1) == date(2025, 4, 28)


def test_deadlines_count_a_compensatory_saturday_and_skip_a_declared_day_off():
    CalendarDay.objects.create(day=COMPENSATORY_SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù 2/5")
    CalendarDay.objects.create(day=DECLARED_DAY_OFF, kind=CalendarDay.Kind.DAY_OFF, note="Cục nghỉ")

    assert is_working_day(COMPENSATORY_SATURDAY)
    assert not is_working_day(DECLARED_DAY_OFF)
    assert add_working_days(FRIDAY, 1) == COMPENSATORY_SATURDAY
    # Sat 26 (worked), Mon 28 closed, Tue 29, then 30/4, 1/5 and 2/5 are holidays, Mon 5 May.
    assert add_working_days(FRIDAY, 2) == date(2025, 4, 29)
    assert add_working_days(FRIDAY, 3) == date(2025, 5, 5)
    assert working_days_between(FRIDAY, date(2025, 5, 5)) == 3


def test_several_deadlines_from_one_start_read_the_calendar_once(django_assert_num_queries):
    CalendarDay.objects.create(day=COMPENSATORY_SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù 2/5")
    CalendarDay.objects.create(day=DECLARED_DAY_OFF, kind=CalendarDay.Kind.DAY_OFF, note="Cục nghỉ")

    with django_assert_num_queries(1):  # the year's overrides, kept in the process for the next deadlines
        deadlines = tuple(add_working_days(FRIDAY, days) for days in (1, 2, 3))

    assert deadlines == (COMPENSATORY_SATURDAY, date(2025, 4, 29), date(2025, 5, 5))


def test_leadership_adds_a_day_in_the_admin_and_the_change_is_audited(client):
    leader = staff_user(Role.DEPARTMENT_LEADERSHIP)
    client.force_login(leader)

    response = client.post(
        "/admin/core/calendarday/add/",
        {"day": "2025-04-26", "kind": "working_day", "note": "Làm bù cho thứ Sáu 2/5"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert add_working_days(FRIDAY, 1) == COMPENSATORY_SATURDAY
    change = ConfigurationChange.objects.get()
    assert change.actor == leader and change.action == ConfigurationChange.Action.ADDED


@pytest.mark.parametrize("role", [Role.BRANCH_LEADER, Role.BRANCH_OFFICER, Role.INQUIRY_DESK])
def test_other_roles_cannot_change_the_calendar(client, role):
    client.force_login(staff_user(role))

    response = client.post("/admin/core/calendarday/add/", {"day": "2025-04-26", "kind": "working_day", "note": "x"})

    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_a_day_saved_after_the_year_was_read_counts_at_once_and_so_does_its_removal():
    assert add_working_days(FRIDAY, 1) == date(2025, 4, 28)  # the year's overrides are read and kept

    saturday = CalendarDay.objects.create(day=COMPENSATORY_SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù")
    assert add_working_days(FRIDAY, 1) == COMPENSATORY_SATURDAY

    saturday.delete()
    assert add_working_days(FRIDAY, 1) == date(2025, 4, 28)


def test_a_day_saved_by_another_process_counts_once_the_cache_seconds_have_passed(settings):
    settings.REFERENCE_CACHE_SECONDS = 5
    assert is_working_day(DECLARED_DAY_OFF)
    # bulk_create sends no signal: as for a row another process saved.
    CalendarDay.objects.bulk_create([CalendarDay(day=DECLARED_DAY_OFF, kind=CalendarDay.Kind.DAY_OFF, note="x")])

    assert is_working_day(DECLARED_DAY_OFF)
    with mock.patch("customs_feedback.caching.time.monotonic", return_value=10**9):
        assert not is_working_day(DECLARED_DAY_OFF)
