"""Bulk work off the request: countersigning many agreements and long exports run as jobs with progress."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from customs_feedback.core.models import BackgroundJob, JobStatus
from customs_feedback.organization.roles import Role
from partnerships.models import AgreementStatus
from tests import factories
from tests.factories import BranchFactory, OfficialFactory, TeamFactory, staff_user
from tests.partnerships.conftest import agreement_text  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("agreement_text")
def test_countersigning_many_agreements_runs_as_a_job_with_progress(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    desk = staff_user(Role.PARTNERSHIP_DESK)
    waiting = [factories.pending_review() for _ in range(3)]
    not_ready = factories.sign().agreement  # still waiting for its email confirmation
    client.force_login(desk)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/partnerships/agreement/",
            {"action": "countersign", "_selected_action": [a.pk for a in [*waiting, not_ready]]},
        )

    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/jobs/{job.pk}/"
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 4, 4)
    for agreement in waiting:
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.ACTIVE and agreement.certificate
    page = client.get(f"/admin/jobs/{job.pk}/").content.decode()
    assert "Đã ký xác nhận 3 thỏa thuận." in page
    assert f"{not_ready.reference}: Chỉ có thể ký xác nhận" in page
    assert 'max="100" value="100"' in page
    assert len([m for m in mailoutbox if m.attachments]) == 3


def test_a_long_export_runs_as_a_job_and_is_downloaded_when_done(client, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    branch = BranchFactory(code="03AA")
    for _ in range(3):
        OfficialFactory(team=TeamFactory(branch=branch))
    OfficialFactory(team=TeamFactory(branch=BranchFactory(code="03BB")))  # outside the leader's scope
    leader = staff_user(Role.BRANCH_LEADER, branch=branch)
    client.force_login(leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/admin/organization/official/export/xlsx/", {"is_active__exact": "1"})

    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.result_name.endswith(".xlsx")
    download = client.get(f"/admin/jobs/{job.pk}/download/")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 4  # header + the three officials and the leader's own record, all in 03AA
    assert {row[3] for row in rows[1:]} == {str(branch)}


def test_a_job_is_seen_only_by_who_started_it(client, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    leader = staff_user(Role.BRANCH_LEADER, branch=BranchFactory(code="03AA"))
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/admin/organization/official/export/csv/")
    job = BackgroundJob.objects.get()

    client.force_login(staff_user(Role.BRANCH_LEADER, branch=BranchFactory(code="03BB")))

    assert client.get(f"/admin/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/admin/jobs/{job.pk}/download/").status_code == 404
    assert job.pk not in [j.pk for j in client.get("/admin/jobs/").context["jobs"]]


def test_a_job_delivered_twice_runs_once(db):
    from customs_feedback.core.jobs import job_run

    leader = staff_user(Role.BRANCH_LEADER, branch=BranchFactory(code="03AA"))
    job = BackgroundJob.objects.create(
        kind="core.export",
        requested_by=leader,
        params={"model": "organization.official", "format": "csv", "filename": "x"},
        status=JobStatus.DONE,
    )

    assert job_run(job_id=job.pk).summary == ""  # already done: nothing run again
