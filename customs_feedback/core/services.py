from __future__ import annotations

import socket

from django.conf import settings
from django.utils import timezone

from customs_feedback.core.models import Heartbeat


def heartbeat_record(*, component: str) -> Heartbeat:
    """Note that `component` is alive now (upsert: safe to run any number of times)."""
    heartbeat, _created = Heartbeat.objects.update_or_create(
        component=component, defaults={"last_seen": timezone.now(), "detail": socket.gethostname()[:200]}
    )
    return heartbeat


def periodic_job_record(*, task_name: str, error: BaseException | None = None) -> Heartbeat:
    """Note that the periodic job `task_name` just ran, and how it ended (read by /healthz/?full=1)."""
    outcome = "ok" if error is None else f"failed: {error.__class__.__name__}"
    heartbeat, _created = Heartbeat.objects.update_or_create(
        component=f"job:{task_name}"[:50], defaults={"last_seen": timezone.now(), "detail": outcome[:200]}
    )
    return heartbeat


def _plain(value):
    """A JSON-safe rendering of a field value for the audit trail."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return sorted(_plain(item) for item in value)
    return str(value)


def configuration_snapshot(obj) -> dict:
    """Field values (and many-to-many ids) of a configuration record, as the audit trail stores them."""
    snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"password", "last_login", "updated_at"}:
            continue
        snapshot[field.name] = _plain(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            snapshot[field.name] = _plain([str(related) for related in getattr(obj, field.name).all()])
    return snapshot


def configuration_change_record(*, actor, obj, action: str, before: dict | None, after: dict | None):
    """Write one audit row; a change that altered nothing writes nothing."""
    from django.contrib.contenttypes.models import ContentType

    from customs_feedback.core.models import ConfigurationChange

    before, after = before or {}, after or {}
    changes = {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
    if action == ConfigurationChange.Action.CHANGED and not changes:
        return None
    return ConfigurationChange.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes,
    )


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
