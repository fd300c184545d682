"""Sending the results report to department leadership (the monthly job): rendered once, one notice each."""

from __future__ import annotations

from django.conf import settings


def report_send_to_leadership(*, period_code: str) -> int:
    """Send the department's results report of a period (PDF and XLSX attached) to each leadership account.

    Returns how many notices were written. Safe to run again: each recipient's notice is keyed by the
    period, and the report is not even rendered when every recipient already has it.
    """
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import translation

    from customs_feedback.core.report_render import report_filename, report_pdf, report_xlsx
    from customs_feedback.core.reporting import Period, report_build
    from customs_feedback.notifications.models import Notification
    from customs_feedback.notifications.services import Attachment, notify
    from customs_feedback.organization.roles import Role

    period = Period.parse(period_code)
    group = Group.objects.filter(name=Role.DEPARTMENT_LEADERSHIP).first()
    users = group.user_set.filter(is_active=True).exclude(email="") if group else []
    recipients = sorted({user.email for user in users})
    keys = {email: f"periodic-report:{period.code}:{email}" for email in recipients}
    pending = [email for email in recipients if not Notification.objects.filter(idempotency_key=keys[email]).exists()]
    if not pending:
        return 0
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        report = report_build(period=period)
        files = []
        for file_format, render, content_type in (
            ("pdf", report_pdf, "application/pdf"),
            ("xlsx", report_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ):
            name = report_filename(report, file_format)
            path = default_storage.save(f"private/reports/{period.code}/{name}", ContentFile(render(report)))
            files.append(Attachment(filename=name, path=path, content_type=content_type))
        context = {"period_label": report.period.label, "unit": report.unit, "report_url": _report_url(period)}
    with transaction.atomic():
        for email in pending:
            notify(
                kind="periodic_report",
                recipient=email,
                language=language,
                context=context,
                idempotency_key=keys[email],
                attachments=files,
            )
    return len(pending)


def _report_url(period) -> str:
    from django.urls import reverse

    return f"{settings.SITE_URL}{reverse('admin_report')}?period={period.code}"
