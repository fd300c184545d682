"""The ratings app's gauge on /metrics."""

from __future__ import annotations

from django.utils import timezone

from customs_feedback.core.metrics import gauge
from ratings.models import CaseStatus, FollowUpCase


@gauge("followup_cases_overdue", "Open follow-up cases of low ratings past their due date, department-wide.")
def followup_cases_overdue() -> int:
    return FollowUpCase.objects.filter(status=CaseStatus.OPEN, due_date__lt=timezone.localdate()).count()
