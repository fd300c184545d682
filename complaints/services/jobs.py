"""Periodic jobs: closing quiet inquiries, overdue reminders and escalation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    OPEN_STATUSES,
    Inquiry,
    InquiryStatus,
)
from complaints.services.tracking import (
    admin_url,
)
from complaints.transitions import ALLOWED
from customs_feedback.notifications.services import notify_staff
from customs_feedback.organization.roles import Role
from customs_feedback.organization.selectors import emails_of_role, official_email
from customs_feedback.workdays import working_days_between
from customs_feedback.workflow import record_note, transition

# --- periodic jobs -----------------------------------------------------------------------------


def inquiries_close_quiet(*, now: datetime | None = None) -> int:
    """Close answered inquiries nobody replied to within the quiet period; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.INQUIRY_QUIET_DAYS)
    closed = 0
    for inquiry_id in Inquiry.objects.filter(status=InquiryStatus.ANSWERED, answered_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            inquiry = Inquiry.objects.select_for_update(skip_locked=True).filter(pk=inquiry_id).first()
            if inquiry is None or inquiry.status != InquiryStatus.ANSWERED or (inquiry.answered_at or now) >= cutoff:
                continue
            transition(
                inquiry,
                InquiryStatus.CLOSED,
                allowed=ALLOWED,
                note=_("No reply after the answer."),
                fields={"closed_at": now},
            )
            closed += 1
    return closed


def inquiries_remind_overdue(*, today: date | None = None) -> int:
    """Remind the assignee (or the desk) of overdue inquiries daily; escalate to the branch leader once."""
    today = today or timezone.localdate()
    sent = 0
    overdue = Inquiry.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today).select_related(
        "assignee__user", "branch"
    )
    for inquiry in overdue:
        with transaction.atomic():
            recipients = [official_email(inquiry.assignee)] if inquiry.assignee_id else []
            if not any(recipients):
                recipients = emails_of_role(Role.INQUIRY_DESK)
            context = {
                "tracking_code": inquiry.tracking_code,
                "subject": inquiry.subject,
                "due_date": inquiry.due_date,
                "admin_url": admin_url(inquiry),
                "escalated": False,
            }
            sent += notify_staff(
                recipients,
                kind="inquiry_overdue",
                key=f"inquiry-overdue:{inquiry.pk}:{today.isoformat()}",
                obj=inquiry,
                context=context,
            )
            late_by = working_days_between(inquiry.due_date, today)
            if inquiry.branch_id and inquiry.escalated_at is None and late_by >= settings.INQUIRY_ESCALATE_AFTER_DAYS:
                sent += notify_staff(
                    emails_of_role(Role.BRANCH_LEADER, branch_id=inquiry.branch_id),
                    kind="inquiry_overdue",
                    key=f"inquiry-escalated:{inquiry.pk}:{inquiry.due_date.isoformat()}",
                    obj=inquiry,
                    context={**context, "escalated": True},
                )
                Inquiry.objects.filter(pk=inquiry.pk).update(escalated_at=timezone.now())
                record_note(inquiry, note=_("Overdue: escalated to the branch leader."))
    return sent
