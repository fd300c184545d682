"""Reads of the partnerships app."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from customs_feedback.organization.scoping import for_user
from partnerships.models import IN_FORCE_STATUS, Agreement, AgreementStatus


def agreement_list(*, user) -> QuerySet[Agreement]:
    """The agreements a staff user may see."""
    return for_user(user, Agreement.objects.select_related("enterprise"))


def agreement_for_verification(*, reference: str) -> Agreement | None:
    """The agreement behind a certificate's QR code, if it was ever countersigned."""
    return Agreement.objects.select_related("enterprise").filter(reference=reference, number__isnull=False).first()


def agreement_in_force(agreement: Agreement | None) -> bool:
    """Whether the agreement is in force now (suspended, terminated or pending ones are not)."""
    return agreement is not None and agreement.status == IN_FORCE_STATUS


def partnership_stats() -> dict:
    """Public figures: agreements in force, and agreements concluded per month."""
    rows = (
        Agreement.objects.filter(activated_at__isnull=False)
        .annotate(month=TruncMonth("activated_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    return {
        "active": Agreement.objects.filter(status=AgreementStatus.ACTIVE).count(),
        "signed_by_month": [{"month": row["month"].strftime("%Y-%m"), "count": row["count"]} for row in rows],
    }


def partnership_public_figures() -> list[dict]:
    """The home page's figure: enterprises in partnership with the department."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    active = Agreement.objects.filter(status=AgreementStatus.ACTIVE).count()
    return [{"label": _("enterprises have signed the partnership agreement"), "value": active,
             "url": reverse("partnerships:sign")}]  # fmt: skip
