"""Personal data of the partnerships app: its retention rules and its part of a subject export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from customs_feedback.core.privacy import retention_rule, subject_export
from partnerships.member_models import EnterpriseUser
from partnerships.models import Agreement, AgreementStatus, Enterprise


@retention_rule(
    "signing_ip_user_agent", days_setting="RETENTION_NETWORK_DAYS", description="IP address and browser of signers"
)
def signing_network_forget(*, before: datetime) -> int:
    return (
        Agreement.objects.filter(signed_at__lt=before)
        .exclude(signed_ip__isnull=True, signed_user_agent="")
        .update(signed_ip=None, signed_user_agent="")
    )


@retention_rule(
    "unconfirmed_signing",
    days_setting="RETENTION_UNCONFIRMED_SIGNING_DAYS",
    description="Contact details of signing requests never confirmed",
)
def unconfirmed_signings_anonymise(*, before: datetime) -> int:
    return (
        Agreement.objects.filter(status=AgreementStatus.EXPIRED, signed_at__lt=before)
        .exclude(email="", phone="", representative_name="")
        .update(email="", phone="", representative_name="", representative_title="", signed_ip=None)
    )


@subject_export("partnerships.agreements")
def agreements_of(email: str) -> list[dict[str, Any]]:
    fields = ["reference", "company_name", "address", "representative_name", "representative_title", "email",
              "phone", "status", "signed_at", "signed_ip", "signed_user_agent", "number"]  # fmt: skip
    return [_plain(row) for row in Agreement.objects.filter(email__iexact=email).values(*fields)]


@subject_export("partnerships.enterprises")
def enterprises_of(email: str) -> list[dict[str, Any]]:
    rows = Enterprise.objects.filter(email__iexact=email).values("tax_code", "name_vi", "representative_name", "email")
    return [_plain(row) for row in rows]


@subject_export("partnerships.enterprise_users")
def enterprise_users_of(email: str) -> list[dict[str, Any]]:
    rows = EnterpriseUser.objects.filter(email__iexact=email).values("enterprise__tax_code", "email", "role", "status")
    return [_plain(row) for row in rows]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in row.items()}
