"""The partnerships app's gauge on /metrics."""

from __future__ import annotations

from customs_feedback.core.metrics import gauge
from partnerships.models import Agreement, AgreementStatus


@gauge(
    "certificates_waiting",
    "Confirmed agreements waiting for the department's countersignature, which issues their certificate.",
)
def certificates_waiting() -> int:
    return Agreement.objects.filter(status=AgreementStatus.PENDING_REVIEW).count()
