"""Partnership figures on the back-office dashboard (partnership desk and leadership)."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.core.dashboard import Chart, Figure, Panel, monthly_counts, panel
from partnerships.models import AgreementStatus
from partnerships.selectors import agreement_list


@panel(order=10)
def partnerships_panel(request) -> Panel | None:
    if not request.user.has_perm("partnerships.view_agreement"):
        return None
    agreements = agreement_list(user=request.user)
    changelist = reverse("admin:partnerships_agreement_changelist")
    month_start, tz = timezone.localdate().replace(day=1), timezone.get_current_timezone()
    waiting = agreements.filter(status=AgreementStatus.PENDING_REVIEW).count()
    return Panel(
        title=_("Partnership agreements"),
        figures=[
            Figure(
                _("partners in force"),
                agreements.filter(status=AgreementStatus.ACTIVE).count(),
                f"{changelist}?status__exact=active",
            ),
            Figure(
                _("new this month"),
                # From local midnight of the 1st: a range on the indexed column, not a date cast of every row.
                agreements.filter(activated_at__gte=datetime.combine(month_start, time.min, tzinfo=tz)).count(),
                f"{changelist}?month={month_start:%Y-%m}",
            ),
            Figure(
                _("waiting for review"),
                waiting,
                f"{changelist}?status__exact=pending_review",
                "warn" if waiting else "good",
            ),
            Figure(
                _("waiting for email"),
                agreements.filter(status=AgreementStatus.PENDING_EMAIL).count(),
                f"{changelist}?status__exact=pending_email",
            ),
        ],  # fmt: skip
        charts=[Chart(_("Agreements concluded per month"), monthly_counts(agreements, "activated_at"), url=changelist)],
    )
