"""Retention: the daily purge anonymises what expired and records it; the subject export, by command and
admin action. Fixed dates throughout."""

from __future__ import annotations

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from complaints import services as complaints
from complaints.models import Inquiry, InquiryAttachment, InquiryStatus
from customs_feedback.core.models import RetentionRun
from customs_feedback.core.privacy import retention_purge, subject_data
from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.organization.roles import Role
from partnerships.models import Agreement, AgreementStatus
from tests import factories as agreements
from tests.complaints.conftest import PDF_BYTES
from tests.factories import BranchFactory, staff_user

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=HANOI)  # defaults: IPs 180 days, closed inquiries 730, unconfirmed 30
SUBJECT = "hoa@example.vn"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=HANOI)


def inquiry(*, submitted: str, closed: str | None = None, email: str = SUBJECT, files: bool = False) -> Inquiry:
    created = complaints.inquiry_submit(
        name="Nguyễn Thị Hoa",
        email=email,
        phone="0912 345 678",
        category_code="procedures",
        subject="Thủ tục tạm nhập tái xuất",
        body="Xin hỏi thủ tục tạm nhập tái xuất máy móc thi công?",
        ip="203.113.1.10",
        attachments=[SimpleUploadedFile("to-khai.pdf", PDF_BYTES)] if files else [],
    )
    changes = {"submitted_at": at(submitted)}
    if closed:
        changes |= {"status": InquiryStatus.CLOSED, "closed_at": at(closed)}
    Inquiry.objects.filter(pk=created.pk).update(**changes)
    return Inquiry.objects.get(pk=created.pk)


@pytest.fixture
def given(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with transaction.atomic():
        records = {
            "closed_long_ago": inquiry(submitted="2024-01-10", closed="2024-02-01", files=True),
            "closed_recently": inquiry(submitted="2026-10-01", closed="2026-11-01", files=True),
            "open_old": inquiry(submitted="2024-03-01"),
        }
        expired = agreements.sign(email=SUBJECT).agreement
        Agreement.objects.filter(pk=expired.pk).update(status=AgreementStatus.EXPIRED, signed_at=at("2026-09-01"))
        recent = agreements.sign().agreement
        Agreement.objects.filter(pk=recent.pk).update(signed_at=at("2026-11-20"))
        old = agreements.pending_review()
        Agreement.objects.filter(pk=old.pk).update(signed_at=at("2025-01-10"))
        records |= {"expired_signing": expired, "recent_signing": recent, "old_signing": old}
    Notification.objects.update(status=NotificationStatus.SENT)
    Notification.objects.filter(recipient=SUBJECT).update(created_at=at("2026-08-01"))
    return records


def reload(record):
    return type(record).objects.get(pk=record.pk)


def test_the_purge_anonymises_what_expired_and_keeps_the_rest(given):
    run = retention_purge(now=NOW)

    old = reload(given["closed_long_ago"])
    assert (old.name, old.email, old.phone, old.submitted_ip) == ("", "", "", None)
    assert old.subject == "Thủ tục tạm nhập tái xuất"  # the question itself stays for statistics
    assert not InquiryAttachment.objects.filter(inquiry=old).exists()
    recent = reload(given["closed_recently"])
    assert (recent.email, recent.submitted_ip) == (SUBJECT, "203.113.1.10")
    assert InquiryAttachment.objects.filter(inquiry=recent).count() == 1
    open_old = reload(given["open_old"])
    assert (open_old.email, open_old.submitted_ip) == (SUBJECT, None)  # still open: contact kept, IP not
    expired = reload(given["expired_signing"])
    assert (expired.email, expired.phone, expired.representative_name, expired.signed_ip) == ("", "", "", None)
    old_signing = reload(given["old_signing"])
    assert (old_signing.signed_ip, old_signing.signed_user_agent) == (None, "") and old_signing.email
    kept = reload(given["recent_signing"])
    assert kept.signed_ip == "203.113.1.10" and kept.signed_user_agent and kept.email
    old_notices = Notification.objects.filter(created_at__lt=at("2026-09-02"))
    assert old_notices.exists() and set(old_notices.values_list("body_text", flat=True)) == {""}
    assert Notification.objects.filter(created_at__gte=at("2026-09-02")).exclude(body_text="").exists()

    assert RetentionRun.objects.get() == run
    assert run.ran_at == NOW
    assert run.results["closed_inquiry_contact"] == {"days": 730, "before": "2024-12-01T03:00:00+07:00", "changed": 1}
    assert run.results["inquiry_submitter_ip"]["changed"] == 2
    assert run.results["unconfirmed_signing"]["changed"] == 1
    assert run.results["signing_ip_user_agent"]["changed"] == 1
    assert run.results["notification_bodies"]["changed"] == old_notices.count()


def test_running_the_purge_again_changes_nothing(given):
    retention_purge(now=NOW)

    again = retention_purge(now=NOW)

    assert again.changed_total == 0


def test_the_purge_command_reports_each_rule(given):
    out = io.StringIO()

    call_command("purge_personal_data", "--now", "2026-12-01T03:00:00+07:00", stdout=out)

    assert "closed_inquiry_contact: 1 changed (older than 730 days)" in out.getvalue()
    assert RetentionRun.objects.count() == 1


def test_the_subject_export_holds_everything_about_one_email(given):
    data = subject_data(email="HOA@example.vn", now=NOW)

    assert data["generated_at"] == "2026-12-01T03:00:00+07:00"
    records = data["records"]
    assert {row["tracking_code"] for row in records["complaints.inquiries"]} == {
        given[name].tracking_code for name in ("closed_long_ago", "closed_recently", "open_old")
    }
    assert records["complaints.inquiries"][0]["attachments"] == ["to-khai.pdf"]
    assert [row["reference"] for row in records["partnerships.agreements"]] == [given["expired_signing"].reference]
    assert records["notifications.notices"] and all(row["subject"] for row in records["notifications.notices"])


def test_the_export_command_writes_json(given, tmp_path):
    out = tmp_path / "hoa.json"

    call_command("export_subject_data", SUBJECT, "--out", str(out), stdout=io.StringIO())

    assert json.loads(out.read_text(encoding="utf-8"))["email"] == SUBJECT


def test_leadership_exports_from_the_inquiry_list_and_others_cannot(client, given):
    selected = {"action": "export_subject_data", "_selected_action": [given["open_old"].pk]}
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))

    response = client.post("/admin/complaints/inquiry/", selected)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="subject-data-hoaexamplevn.json"'
    assert len(json.loads(response.content)["records"]["complaints.inquiries"]) == 3
    client.force_login(staff_user(Role.INQUIRY_DESK))
    refused = client.post("/admin/complaints/inquiry/", selected)
    assert "Content-Disposition" not in refused
    assert "export_subject_data" not in client.get("/admin/complaints/inquiry/").content.decode()


def test_the_purge_runs_are_listed_for_leadership(client, given):
    retention_purge(now=NOW)
    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP, branch=BranchFactory()))

    response = client.get("/admin/core/retentionrun/")

    assert response.status_code == 200
