import pytest

from customs_feedback.core.dashboard import Chart
from customs_feedback.organization.roles import Role
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db


def test_leadership_sees_the_outbox_panel_with_links_into_the_filtered_list(client):
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))

    html = client.get("/admin/").content.decode()

    assert "Thông báo gửi doanh nghiệp" in html
    assert 'href="/admin/notifications/notification/?status__exact=failed"' in html


def test_a_branch_officer_does_not_see_the_outbox_panel(client):
    client.force_login(staff_user(Role.BRANCH_OFFICER, branch=BranchFactory()))

    html = client.get("/admin/").content.decode()

    assert "Thông báo gửi doanh nghiệp" not in html


def test_chart_bars_scale_to_the_largest_value():
    chart = Chart("Ratings", [("01/26", 10), ("02/26", 40), ("03/26", 0)])

    heights = [bar["height"] for bar in chart.bars]

    assert heights == [22.5, 90.0, 0.0]
    assert all(bar["y"] + bar["height"] == chart.HEIGHT - 16 for bar in chart.bars)


def test_chart_coordinates_keep_a_decimal_point_in_vietnamese(client, monkeypatch):
    from customs_feedback.core import dashboard

    chart = Chart("Thử", [("01/26", 1), ("02/26", 3)])
    monkeypatch.setattr(dashboard, "_providers", [(1, "test", lambda request: dashboard.Panel("Thử", charts=[chart]))])
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))

    html = client.get("/admin/").content.decode()

    assert 'height="30.0"' in html
    assert ',0"' not in html
