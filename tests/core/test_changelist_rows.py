"""The changelists' rows are Django's rows: the links built once per page (RowLinkChangeList) are the links Django
builds row by row, with and without filters in the list's URL."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from complaints import services as complaint_services
from customs_feedback.organization.admin_mixins import ScopedModelAdmin
from customs_feedback.organization.changelist import RowLinkChangeList
from ratings.models import Rating
from tests.factories import DeclarationFactory, EnterpriseFactory, OfficialFactory, staff_user
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db

RESULT_TABLE = re.compile(r'<table id="result_list">.*?</table>', re.S)


@pytest.fixture
def rows(db):
    official = OfficialFactory()
    for number in range(3):
        declaration = DeclarationFactory(official=official, enterprise=EnterpriseFactory())
        rate(declaration, official=5 - number, team=4, branch=5)
    complaint_services.inquiry_submit(
        name="Nguyễn Văn A",
        email="a@example.vn",
        category_code="procedures",
        subject="Thủ tục & phí",
        body="Câu hỏi về thủ tục hải quan.",
    )
    return official


def result_table(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return RESULT_TABLE.search(response.content.decode()).group()


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:ratings_rating_changelist"),
        reverse("admin:ratings_rating_changelist") + "?status__exact=received&o=-1",
        reverse("admin:ratings_declaration_changelist") + "?branch__id__exact={branch}",
        reverse("admin:complaints_inquiry_changelist") + "?queue=new&q=Th%E1%BB%A7+t%E1%BB%A5c",
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:partnerships_enterprise_changelist") + "?_popup=1&_to_field=id",
    ],
)
def test_each_rows_link_and_cells_are_the_html_djangos_changelist_renders(client, rows, monkeypatch, url):
    client.force_login(staff_user(is_superuser=True))
    url = url.format(branch=rows.branch_id)

    ours = result_table(client, url)
    monkeypatch.setattr(ScopedModelAdmin, "get_changelist", lambda self, request, **kwargs: ChangeList)
    djangos = result_table(client, url)

    assert ours == djangos
    assert "/change/" in ours  # the rows are linked


def test_a_row_link_carries_the_lists_filters_once(client, rows):
    client.force_login(staff_user(is_superuser=True))
    url = reverse("admin:ratings_rating_changelist") + "?status__exact=received"

    table = result_table(client, url)

    assert table.count("_changelist_filters=status__exact%3Dreceived") == 3
    assert "_changelist_filters=_changelist_filters" not in table


def test_a_text_key_is_left_to_django(rows):
    request = RequestFactory().get("/admin/ratings/rating/", {"status__exact": "received"})
    request.user = staff_user(is_superuser=True)
    request.resolver_match = resolve(reverse("admin:ratings_rating_changelist"))
    model_admin = django_admin.site.get_model_admin(Rating)
    changelist = model_admin.get_changelist_instance(request)
    assert isinstance(changelist, RowLinkChangeList)
    rating = changelist.result_list[0]
    rating.pk = "a/b"  # a key admin's quote() escapes; the link must be Django's

    link = changelist.url_for_result(rating)

    assert link.startswith(reverse("admin:ratings_rating_change", args=["a_2Fb"]) + "?_changelist_filters=")


def test_a_moments_column_uses_strftime_only_for_a_format_of_plain_numbers(client, rows):
    from django.utils import translation

    from customs_feedback.organization.changelist import _strftime_pattern

    with translation.override("vi"):
        assert _strftime_pattern() == "%d/%m/%Y %H:%M"  # the Vietnamese "d/m/Y H:i"
    with translation.override("en"):
        assert _strftime_pattern() is None  # "N j, Y, P": month names, left to Django's formatting
    client.force_login(staff_user(is_superuser=True))
    table = result_table(client, reverse("admin:ratings_rating_changelist"))
    assert re.search(r'<th class="field-submitted_at nowrap"><a [^>]*>\d\d/\d\d/\d{4} \d\d:\d\d</a></th>', table)


def test_moments_in_the_local_zone_and_empty_moments_are_djangos_cells(client, monkeypatch):
    """A moment is converted to the page's time zone once looked up per page (here across local midnight), and an
    empty moment is the empty value's cell, as display_for_field shows them."""
    import datetime

    official = OfficialFactory()
    late_evening_utc = datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC)  # 2 March, 03:30 in Hà Nội
    DeclarationFactory(official=official, registered_at=late_evening_utc, cleared_at=None, cleared_on=None)
    DeclarationFactory(official=official, registered_at=late_evening_utc)
    client.force_login(staff_user(is_superuser=True))
    url = reverse("admin:ratings_declaration_changelist") + f"?branch__id__exact={official.branch_id}"

    ours = result_table(client, url)
    monkeypatch.setattr(ScopedModelAdmin, "get_changelist", lambda self, request, **kwargs: ChangeList)
    djangos = result_table(client, url)

    assert ours == djangos
    assert ours.count(">02/03/2026 03:30<") == 2
    assert ours.count('<td class="field-cleared_at nowrap">-</td>') == 1  # Django's empty value, "-"


def test_a_branch_column_and_the_checkbox_built_per_page_are_the_methods_cells(rows):
    """The per-page functions (`per_page`) give what the admin's methods give row by row: one branch's markup
    reused down the page, a row without a branch, the checkbox's label with the row's text escaped."""
    from complaints.models import Inquiry
    from customs_feedback.organization.admin_mixins import branch_column

    rating_admin = django_admin.site.get_model_admin(Rating)
    ratings = list(Rating.objects.select_related("branch"))
    for method in (rating_admin.action_checkbox, rating_admin.branch_code):
        row = method.per_page(rating_admin)
        assert [row(rating) for rating in ratings] == [method(rating) for rating in ratings]
    column = branch_column("branch")
    no_branch = Inquiry.objects.get()
    assert no_branch.branch is None
    assert column.per_page(rating_admin)(no_branch) == column(rating_admin, no_branch) == "–"


def test_agreements_yes_no_icons_once_per_value_are_djangos_cells(client, monkeypatch):
    """The agreements list's "current text accepted" column (an admin method shown as a yes/no icon) formats each
    value once per page: agreements in force (yes) and waiting for review (unknown) against Django's cells."""
    from tests.factories import active, agreement_text_publish, pending_review

    agreement_text_publish()
    superuser = staff_user(is_superuser=True)
    active(superuser)
    active(superuser)
    pending_review()
    client.force_login(superuser)
    url = reverse("admin:partnerships_agreement_changelist")

    with CaptureQueriesContext(connection) as three_rows:
        ours = result_table(client, url)
    monkeypatch.setattr(ScopedModelAdmin, "get_changelist", lambda self, request, **kwargs: ChangeList)
    djangos = result_table(client, url)

    assert ours == djangos
    assert ours.count("icon-yes.svg") == 2 and ours.count("icon-unknown.svg") == 1
    # The columns read for display only (AgreementAdmin.changelist_rows) load nothing more per row.
    monkeypatch.undo()
    active(superuser)
    pending_review()
    with CaptureQueriesContext(connection) as five_rows:
        assert result_table(client, url).count("<tr") == 1 + 5  # the header and five rows
    assert len(five_rows) == len(three_rows)
