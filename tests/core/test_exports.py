import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customs_feedback.organization.roles import Role
from tests.factories import BranchFactory, OfficialFactory, TeamFactory, staff_user

pytestmark = pytest.mark.django_db

EXPORT = "/admin/organization/official/export/"


@pytest.fixture
def two_branches():
    branch_a, branch_b = BranchFactory(code="03AA"), BranchFactory(code="03BB")
    OfficialFactory(full_name="Nguyễn Thị Ánh", team=TeamFactory(branch=branch_a))
    OfficialFactory(full_name='=HYPERLINK("http://evil")', team=TeamFactory(branch=branch_a), is_active=False)
    OfficialFactory(full_name="Trần Văn Bình", team=TeamFactory(branch=branch_b))
    return branch_a, branch_b


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_a_branch_leader_exports_only_their_branch_with_the_chosen_filters(client, two_branches):
    branch_a, _ = two_branches
    client.force_login(staff_user(Role.BRANCH_LEADER, branch=branch_a))

    everything = read_csv(client.get(f"{EXPORT}csv/"))
    active = read_csv(client.get(f"{EXPORT}csv/", {"is_active__exact": "1"}))

    names = {row[1] for row in everything[1:]}
    assert "Trần Văn Bình" not in names
    assert "Nguyễn Thị Ánh" in names
    assert "Nguyễn Thị Ánh" in {row[1] for row in active[1:]}
    assert len(active) < len(everything)
    assert everything[0][:2] == ["Mã cán bộ", "Họ và tên"]


def test_spreadsheet_formulas_in_data_are_neutralised(client, two_branches):
    client.force_login(staff_user(Role.BRANCH_LEADER, branch=two_branches[0]))

    names = {row[1] for row in read_csv(client.get(f"{EXPORT}csv/"))[1:]}

    assert '\'=HYPERLINK("http://evil")' in names


def test_the_excel_export_opens_and_holds_the_same_rows(client, two_branches):
    client.force_login(staff_user(Role.BRANCH_LEADER, branch=two_branches[0]))

    response = client.get(f"{EXPORT}xlsx/")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    values = [list(row) for row in workbook.active.iter_rows(values_only=True)]

    assert response["Content-Disposition"].endswith('.xlsx"')
    assert {row[1] for row in values[1:]} == {row[1] for row in read_csv(client.get(f"{EXPORT}csv/"))[1:]}


def test_the_changelist_offers_both_exports_with_its_filters(client, two_branches):
    client.force_login(staff_user(Role.BRANCH_LEADER, branch=two_branches[0]))

    html = client.get("/admin/organization/official/", {"is_active__exact": "1"}).content.decode()

    assert f'href="{EXPORT}csv/?is_active__exact=1"' in html
    assert f'href="{EXPORT}xlsx/?is_active__exact=1"' in html


def test_staff_without_access_export_nothing(client, two_branches):
    client.force_login(staff_user(Role.PARTNERSHIP_DESK))

    assert client.get(f"{EXPORT}csv/").status_code == 403


def test_exported_cells_are_typed_with_vietnamese_headers_and_no_internal_ids(client, settings, tmp_path):
    from datetime import datetime

    from ratings.models import Channel, Declaration, Rating, RatingStatus
    from tests.factories import EnterpriseFactory

    settings.MEDIA_ROOT = tmp_path
    official = OfficialFactory(team=TeamFactory(branch=BranchFactory(code="03AA")))
    moment = timezone.make_aware(datetime.fromisoformat("2026-11-03T14:05:27.123456"))
    declaration = Declaration.objects.create(
        number="103456789012",
        enterprise=EnterpriseFactory(),
        branch=official.branch,
        team=official.team,
        official=official,
        registered_at=moment,
        cleared_at=moment,
        cleared_on=moment.date(),
    )
    Rating.objects.create(
        declaration=declaration,
        branch=official.branch,
        team=official.team,
        official=official,
        official_score=2,
        team_score=4,
        branch_score=5,
        reason="delay",
        channel=Channel.SOFTWARE,
        status=RatingStatus.RECEIVED,
        submitted_at=moment,
        submitted_on=moment.date(),
    )
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))

    sheet = load_workbook(io.BytesIO(client.get("/admin/ratings/rating/export/xlsx/").content)).active
    header, row = [cell.value for cell in sheet[1]], sheet[2]
    officials = read_csv(client.get(f"{EXPORT}csv/"))

    assert header[:2] == ["Thời điểm gửi", "Chi cục"]  # no "Pk" column before them
    submitted = row[0]
    assert submitted.value == datetime.fromisoformat("2026-11-03T14:05")  # local time, to the minute
    assert submitted.number_format == "dd/mm/yyyy hh:mm"
    scores = [row[header.index(label)].value for label in ("Điểm công chức", "Điểm đội công tác", "Điểm chi cục")]
    assert scores == [2, 4, 5]
    assert {row[-1] for row in officials[1:]} <= {"Có", "Không"}
    assert "Có" in {row[-1] for row in officials[1:]}
