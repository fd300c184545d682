"""The results report: its figures for a seeded month equal those counted from the raw rows, in every format."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from openpyxl import load_workbook

from complaints.models import Inquiry, InquiryCategory, InquiryStatus
from complaints.rollup import inquiry_rollup_rebuild
from customs_feedback.core.report_render import report_pdf, report_xlsx
from customs_feedback.core.reporting import Period, ReportError, report_build
from customs_feedback.organization.roles import Role
from partnerships.models import Agreement, AgreementEvent, AgreementStatus
from ratings.models import (
    CaseStatus,
    Channel,
    Conclusion,
    Declaration,
    FollowUpCase,
    Rating,
    RatingStatus,
    RejectionReason,
)
from ratings.rollups import rollup_rebuild
from tests.conftest import require_service
from tests.factories import BranchFactory, EnterpriseFactory, OfficialFactory, TeamFactory, staff_user

pytestmark = pytest.mark.django_db

NOVEMBER = Period.parse("2026-11")


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def seeded_month(settings, tmp_path):
    """Two branches' declarations, ratings, cases, inquiries and agreements in Oct–Dec 2026, at random."""
    settings.MEDIA_ROOT = tmp_path / "media"
    rng = random.Random(16)
    branches = [BranchFactory(code="03CC"), BranchFactory(code="03EE")]
    officials = [OfficialFactory(team=TeamFactory(branch=branch)) for branch in branches for _ in range(2)]
    enterprises = [EnterpriseFactory(branch=rng.choice(branches)) for _ in range(8)]
    category = InquiryCategory.objects.create(code="thu-tuc", name_vi="Thủ tục hải quan", deadline_days=5)
    days = [date(2026, 10, 25) + timedelta(days=offset) for offset in range(45)]  # 25 Oct .. 8 Dec
    for number in range(120):
        official, day = rng.choice(officials), rng.choice(days)
        cleared = local(day, hour=rng.choice([0, 9, 23]), minute=30)
        declaration = Declaration.objects.create(
            number=f"10{number:010d}",
            enterprise=rng.choice(enterprises),
            branch=official.branch,
            team=official.team,
            official=official,
            registered_at=cleared - timedelta(hours=5),
            cleared_at=cleared,
            cleared_on=timezone.localdate(cleared),
        )
        if rng.random() < 0.6:
            submitted = cleared + timedelta(hours=rng.choice([1, 30, 200]))
            scores = [rng.choice([None, 1, 2, 3, 4, 5, 5]) for _ in range(3)]
            scores[2] = scores[2] or 4
            rejected = rng.random() < 0.15
            rating = Rating.objects.create(
                declaration=declaration,
                branch=official.branch,
                team=official.team,
                official=official,
                official_score=scores[0],
                team_score=scores[1],
                branch_score=scores[2],
                channel=Channel.SOFTWARE,
                status=RatingStatus.REJECTED if rejected else RatingStatus.VERIFIED,
                rejection_reason=rng.choice(list(RejectionReason)) if rejected else "",
                submitted_at=submitted,
                submitted_on=timezone.localdate(submitted),
            )
            if rating.is_low and not rejected and rng.random() < 0.8:
                closed = rng.random() < 0.6
                FollowUpCase.objects.create(
                    reference=f"TD-{rating.pk}",
                    rating=rating,
                    branch=rating.branch,
                    status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                    opened_at=submitted,
                    due_date=submitted.date() + timedelta(days=14),
                    conclusion=rng.choice(list(Conclusion)) if closed else "",
                    action_taken="Nhắc nhở, rút kinh nghiệm" if closed else "",
                    closed_at=submitted + timedelta(days=rng.choice([2, 20])) if closed else None,
                )
    for number in range(40):
        submitted = local(rng.choice(days), hour=rng.choice([8, 23]))
        answered = submitted + timedelta(days=rng.choice([1, 3, 9])) if rng.random() < 0.7 else None
        status = rng.choice([InquiryStatus.CLOSED, InquiryStatus.DUPLICATE]) if answered else InquiryStatus.ASSIGNED
        inquiry = Inquiry.objects.create(
            tracking_code=f"VM-{number:04d}",
            name="Nguyễn Văn A",
            email="a@example.vn",
            category=category,
            subject="Thủ tục",
            body="Hỏi",
            status=InquiryStatus.ANSWERED if answered and status == InquiryStatus.CLOSED else status,
            branch=rng.choice(branches),
            due_date=timezone.localdate(submitted) + timedelta(days=5),
            answered_at=answered,
            first_answered_at=answered,
        )
        Inquiry.objects.filter(pk=inquiry.pk).update(submitted_at=submitted)  # auto_now_add on create
    for number, enterprise in enumerate(enterprises):
        activated = local(rng.choice(days)) if number % 4 else None
        status = rng.choice([AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED, AgreementStatus.TERMINATED])
        agreement = Agreement.objects.create(
            reference=f"MOU-TEST{number:04d}",
            enterprise=enterprise,
            company_name=enterprise.name_vi,
            signed_at=local(date(2026, 10, 1)),
            status=status if activated else AgreementStatus.PENDING_REVIEW,
            number=number + 1 if activated else None,
            activated_at=activated,
            ended_at=activated + timedelta(days=10) if activated and status == AgreementStatus.TERMINATED else None,
        )
        if activated and status != AgreementStatus.ACTIVE:
            event = AgreementEvent.objects.create(agreement=agreement, from_status="active", to_status=status)
            AgreementEvent.objects.filter(pk=event.pk).update(at=activated + timedelta(days=10))
    # Declarations, ratings and inquiries were written past the services, which keep the rollups.
    rollup_rebuild(date_from=date(2026, 10, 1), date_to=date(2026, 12, 31))
    inquiry_rollup_rebuild()
    return branches


def figures(report) -> dict[str, dict]:
    """Each table's rows keyed by their first cell, for comparison."""
    return {
        f"{section.title}/{table.title}": {str(row[0]): row[1:] for row in table.rows}
        for section in report.sections
        for table in section.tables
    }


def in_november(moment) -> bool:
    return moment is not None and NOVEMBER.first_day <= timezone.localdate(moment) <= NOVEMBER.last_day


@pytest.fixture
def in_english():
    with translation.override("en"):
        yield


def test_the_figures_of_a_month_equal_those_counted_from_the_raw_rows(seeded_month, in_english):
    report = figures(report_build(period=NOVEMBER))

    declarations = [d for d in Declaration.objects.all() if in_november(d.cleared_at)]
    ratings = [r for r in Rating.objects.all() if in_november(r.submitted_at)]
    counted = [r for r in ratings if r.status != RatingStatus.REJECTED]
    low = [r for r in counted if r.is_low]
    overview = report["Service ratings/Ratings"]
    assert overview["Declarations cleared"] == [len(declarations)]
    assert overview["Ratings counted"] == [len(counted)]
    assert overview["Low ratings (2 stars or fewer)"] == [len(low)]
    assert overview["Rejected ratings (not counted)"] == [len(ratings) - len(counted)]
    assert report["Service ratings/Participation"]["Participation rate"] == [
        pytest.approx(len(counted) / len(declarations))
    ]
    targets = report["Service ratings/Average score and distribution by target"]
    for label, field in (
        ("Customs official", "official_score"),
        ("Working team", "team_score"),
        ("Customs branch", "branch_score"),
    ):
        scores = [getattr(r, field) for r in counted if getattr(r, field) is not None]
        assert targets[label][0] == pytest.approx(sum(scores) / len(scores))
        assert targets[label][1:] == [scores.count(star) for star in (5, 4, 3, 2, 1)]
    by_branch = report["Service ratings/By branch"]
    for branch in seeded_month:
        row = next(value for key, value in by_branch.items() if key.startswith(branch.code))
        assert row[:2] == [
            sum(1 for d in declarations if d.branch_id == branch.pk),
            sum(1 for r in counted if r.branch_id == branch.pk),
        ]

    outcomes = report["Follow-up of low ratings/Low ratings and how their cases ended"]
    cases = {case.rating_id: case for case in FollowUpCase.objects.all()}
    assert outcomes["Low ratings"] == [len(low)]
    assert outcomes["Case still open"] == [sum(1 for r in low if r.pk in cases and cases[r.pk].status == "open")]
    assert outcomes["No case opened"] == [sum(1 for r in low if r.pk not in cases)]
    assert outcomes[str(Conclusion.SUBSTANTIATED.label)] == [
        sum(1 for r in low if r.pk in cases and cases[r.pk].conclusion == Conclusion.SUBSTANTIATED)
    ]
    rejected = report["Follow-up of low ratings/Rejected ratings by reason"]
    for reason in RejectionReason:
        assert rejected[str(reason.label)] == [sum(1 for r in ratings if r.rejection_reason == reason)]
    closed_cases = [c for c in cases.values() if in_november(c.closed_at)]
    assert set(report["Follow-up of low ratings/Follow-up actions taken"]) == {c.reference for c in closed_cases}

    inquiries = [
        i
        for i in Inquiry.objects.all()
        if in_november(i.submitted_at) and i.status not in (InquiryStatus.DUPLICATE, InquiryStatus.OUT_OF_SCOPE)
    ]
    answered = [i for i in inquiries if i.first_answered_at]
    on_time = [i for i in answered if timezone.localdate(i.first_answered_at) <= i.due_date]
    overdue = [
        i
        for i in inquiries
        if (i.first_answered_at and timezone.localdate(i.first_answered_at) > i.due_date)
        or (not i.first_answered_at and i.due_date < timezone.localdate())
    ]
    inquiry_overview = report["Inquiries/Inquiries"]
    assert inquiry_overview["Received"] == [len(inquiries)]
    assert inquiry_overview["Answered"] == [len(answered)]
    assert inquiry_overview["Answered on time"] == [len(on_time)]
    assert inquiry_overview["Overdue (answered late or still unanswered after the due date)"] == [len(overdue)]

    agreements = list(Agreement.objects.all())
    end = NOVEMBER.end
    partnership = report["Partnerships/Partnership agreements"]
    assert partnership["New agreements in force"] == [sum(1 for a in agreements if in_november(a.activated_at))]
    assert partnership["In force at the end of the period"] == [
        sum(1 for a in agreements if a.activated_at and a.activated_at < end and (not a.ended_at or a.ended_at >= end))
    ]
    events = [e for e in AgreementEvent.objects.all() if in_november(e.at)]
    assert partnership["Suspended in the period"] == [sum(1 for e in events if e.to_status == "suspended")]
    assert partnership["Terminated in the period"] == [sum(1 for e in events if e.to_status == "terminated")]
    assert len(declarations) > 20 and len(low) > 0 and len(answered) > 0  # the seed exercises every figure


def test_a_case_opened_after_its_ratings_month_counts_in_that_month(seeded_month, in_english):
    """A case opens with its rating, or later (a rejected rating reinstated): the month of the rating counts it."""
    outcomes = "Follow-up of low ratings/Low ratings and how their cases ended"
    case = FollowUpCase.objects.filter(rating__submitted_on__range=(NOVEMBER.first_day, NOVEMBER.last_day)).first()
    before = figures(report_build(period=NOVEMBER))[outcomes]

    FollowUpCase.objects.filter(pk=case.pk).update(opened_at=local(date(2027, 1, 5)))

    assert figures(report_build(period=NOVEMBER))[outcomes] == before
    assert before["No case opened"] != before["Low ratings"]  # the month has cases to count


def test_a_branch_report_counts_only_that_branch(seeded_month):
    branch = seeded_month[0]
    with translation.override("en"):
        report = figures(report_build(period=NOVEMBER, branch_code="03cc"))

    expected = sum(1 for d in Declaration.objects.filter(branch=branch) if in_november(d.cleared_at))
    assert report["Service ratings/Ratings"]["Declarations cleared"] == [expected]
    assert set(report["Service ratings/By branch"]) == {f"{branch.code} – {branch.name_vi}"}


def test_the_pdf_is_a4_and_carries_the_vietnamese_headings(seeded_month, tmp_path):
    require_service(shutil.which("pdftotext") is not None, "needs pdftotext (apt-get install poppler-utils)")
    with translation.override("vi"):
        pdf = report_pdf(report_build(period=NOVEMBER))
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout

    for heading in ("BÁO CÁO KẾT QUẢ", "Tháng 11/2026", "Quan hệ đối tác", "Đánh giá mức độ hài lòng", "Vướng mắc"):
        assert heading in text, heading
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)


def test_the_workbook_has_typed_cells(seeded_month):
    with translation.override("vi"):
        workbook = load_workbook(io.BytesIO(report_xlsx(report_build(period=NOVEMBER))))

    ratings = workbook["Đánh giá mức độ hài lòng"]
    cells = {row[0].value: row[1] for row in ratings.iter_rows(min_row=1) if len(row) > 1 and row[0].value}
    assert isinstance(cells["Tờ khai đã thông quan"].value, int)
    assert isinstance(cells["Tỷ lệ tham gia đánh giá"].value, float)
    assert cells["Tỷ lệ tham gia đánh giá"].number_format == "0.0%"
    actions = workbook["Xác minh đánh giá thấp"]
    dates = [row[2] for row in actions.iter_rows() if row[0].value and str(row[0].value).startswith("TD-")]
    assert dates and all(isinstance(cell.value, datetime) and cell.number_format == "dd/mm/yyyy" for cell in dates)


def test_the_command_writes_each_format_and_refuses_a_bad_period(seeded_month, tmp_path):
    for file_format, magic in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("html", b"<!DOCTYPE html>")):
        out = tmp_path / f"report.{file_format}"
        call_command("report", "--period", "2026-Q4", "--branch", "03CC", "--format", file_format, "--out", str(out))
        assert out.read_bytes().startswith(magic)

    with pytest.raises(CommandError, match="2026-11"):
        call_command("report", "--period", "2026-13", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="03ZZ"):
        call_command("report", "--period", "2026", "--branch", "03ZZ", "--out", str(tmp_path / "x.pdf"))


@pytest.mark.parametrize(
    ("code", "first", "last"),
    [("2026-11", date(2026, 11, 1), date(2026, 11, 30)), ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
     ("2024-02", date(2024, 2, 1), date(2024, 2, 29)), ("2026", date(2026, 1, 1), date(2026, 12, 31))],
)  # fmt: skip
def test_periods(code, first, last):
    period = Period.parse(code)
    assert (period.first_day, period.last_day) == (first, last)


@pytest.mark.parametrize("code", ["2026-13", "2026-Q5", "26-11", "2026-11-01", ""])
def test_bad_periods_are_refused(code):
    with pytest.raises(ReportError):
        Period.parse(code)


def test_leadership_reads_the_department_report_in_the_admin_and_downloads_it(client, seeded_month):
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))

    page = client.get("/admin/report/", {"period": "2026-11"})
    pdf = client.get("/admin/report/", {"period": "2026-11", "file_format": "pdf"})
    xlsx = client.get("/admin/report/", {"period": "2026-11", "branch": "03EE", "file_format": "xlsx"})

    assert page.status_code == 200
    assert "Báo cáo kết quả" in page.content.decode() and "Toàn Cục" in page.content.decode()
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="bao-cao-ket-qua-2026-11-03EE.xlsx"' in xlsx["Content-Disposition"]


def test_a_branch_leader_reads_only_their_branch(client, seeded_month):
    own, other = seeded_month
    client.force_login(staff_user(Role.BRANCH_LEADER, branch=own))

    page = client.get("/admin/report/", {"period": "2026-11"})
    other_branch = client.get("/admin/report/", {"period": "2026-11", "branch": other.code})

    assert page.status_code == 200
    assert page.context["report"].branch == own
    assert other_branch.status_code == 400
    assert "03EE" in other_branch.content.decode()  # the form names the choice it refused


@pytest.mark.parametrize("role", [Role.BRANCH_OFFICER, Role.INQUIRY_DESK, Role.PARTNERSHIP_DESK, Role.OFFICIAL])
def test_other_roles_may_not_read_the_report(client, role, seeded_month):
    client.force_login(staff_user(role, branch=seeded_month[0]))

    assert client.get("/admin/report/", {"period": "2026-11"}).status_code == 403


def test_a_bad_period_in_the_admin_is_a_400_with_the_reason(client, db):
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))

    response = client.get("/admin/report/", {"period": "2026-13"})

    assert response.status_code == 400
    assert "2026-Q4 (quý)" in response.content.decode()


def test_the_monthly_job_sends_the_report_to_leadership_once(
    seeded_month, django_capture_on_commit_callbacks, mailoutbox
):
    from customs_feedback.core.tasks import monthly_report
    from customs_feedback.notifications.models import Notification

    staff_user(Role.DEPARTMENT_LEADERSHIP, email="lanhdao@haiquan.example.vn")
    staff_user(Role.BRANCH_LEADER, branch=seeded_month[0], email="truong@haiquan.example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        monthly_report.apply(kwargs={}).get()
    with django_capture_on_commit_callbacks(execute=True):
        monthly_report.apply(kwargs={}).get()  # beat runs it on the 1st, 2nd and 3rd

    notice = Notification.objects.get(kind="periodic_report")
    last_month = Period.month_before(timezone.localdate())
    assert notice.recipient == "lanhdao@haiquan.example.vn"
    assert last_month.label in notice.subject or last_month.code[-2:] in notice.subject
    assert [m.to for m in mailoutbox] == [["lanhdao@haiquan.example.vn"]]
    assert sorted(name for name, _content, _type in mailoutbox[0].attachments) == sorted(
        [f"bao-cao-ket-qua-{last_month.code}-cuc.pdf", f"bao-cao-ket-qua-{last_month.code}-cuc.xlsx"]
    )


@pytest.mark.parametrize("period", ["2026-11", "2026"])
def test_the_branch_leaders_report_reads_as_many_queries_however_many_rows(client, seeded_month, period):
    """Every figure is an aggregate: more agreements in force, closed cases and inquiries add no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.translation import gettext as _

    own = seeded_month[0]
    client.force_login(staff_user(Role.BRANCH_LEADER, branch=own))

    def queries() -> tuple[int, int, int]:
        """The page's queries, its agreements in force at the period's end and its follow-up actions listed."""
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/admin/report/", {"period": period})
        assert page.status_code == 200
        sections = {section.title: section for section in page.context["report"].sections}
        in_force = sections[str(_("Partnerships"))].tables[0].rows[1][1]
        actions = len(sections[str(_("Follow-up of low ratings"))].tables[2].rows)
        return len(captured), in_force, actions

    count, in_force, actions = queries()
    for number in range(12):
        enterprise = EnterpriseFactory(branch=own)
        Agreement.objects.create(
            reference=f"MOU-MORE{number:04d}",
            enterprise=enterprise,
            company_name=enterprise.name_vi,
            signed_at=local(date(2026, 10, 1)),
            status=AgreementStatus.ACTIVE,
            number=100 + number,
            activated_at=local(date(2026, 10, 2 + number)),
        )
    rating = Rating.objects.filter(branch=own, case__isnull=True).exclude(status=RatingStatus.REJECTED).first()
    FollowUpCase.objects.create(
        reference="TD-MORE",
        rating=rating,
        branch=own,
        status=CaseStatus.CLOSED,
        opened_at=local(date(2026, 11, 2)),
        due_date=date(2026, 11, 16),
        conclusion=Conclusion.SUBSTANTIATED,
        action_taken="Nhắc nhở",
        closed_at=local(date(2026, 11, 5)),
    )

    assert queries() == (count, in_force + 12, actions + 1)
