"""The inquiries app's gauge on /metrics."""

from __future__ import annotations

from complaints.models import Inquiry
from complaints.selectors import inquiry_queue
from customs_feedback.core.metrics import gauge


@gauge("inquiries_overdue", "Open inquiries past their due date, department-wide.")
def inquiries_overdue() -> int:
    return inquiry_queue(Inquiry.objects.all(), queue="overdue", user=None).count()
