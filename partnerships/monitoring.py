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


@gauge("certificates_unsealed", "Certificates in force without the department's seal (imported, or issued before it).")
def certificates_unsealed() -> int:
    from partnerships.certificates import agreements_without_seal

    return agreements_without_seal().count()
