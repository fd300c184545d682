"""Inquiry figures on the back-office dashboard (inquiry desk, branch staff, leadership: each their scope)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import selectors
from complaints.models import Inquiry
from complaints.statistics import inquiry_stats, monthly_received
from customs_feedback.core.dashboard import Chart, Figure, Panel, panel
from customs_feedback.organization.scoping import for_user


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


@panel(order=30)
def inquiries_panel(request) -> Panel | None:
    if not request.user.has_perm("complaints.view_inquiry"):
        return None
    inquiries = for_user(request.user, Inquiry.objects.all())
    changelist = reverse("admin:complaints_inquiry_changelist")
    year_ago = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year - 1)
    # Whole months from the rollup: no inquiry is read for it.
    stats = inquiry_stats(user=request.user, date_from=year_ago)
    overdue = selectors.inquiry_queue(inquiries, queue="overdue", user=request.user).count()
    return Panel(
        title=_("Inquiries"),
        figures=[
            Figure(_("received (12 months)"), stats["received"], changelist),
            Figure(_("answered (12 months)"), stats["answered"], f"{changelist}?status__exact=answered"),
            Figure(_("overdue"), overdue, f"{changelist}?queue=overdue", "bad" if overdue else "good"),
            Figure(_("answered on time"), _percent(stats["on_time_share"]), tone=_tone(stats["on_time_share"])),
        ],
        charts=[Chart(_("Inquiries received per month"), monthly_received(request.user), url=changelist)],
        tables=[
            {
                "title": _("By category"),
                "columns": [_("Category"), _("Received"), _("Answered"), _("On time")],
                "rows": [
                    [row["name"], row["received"], row["answered"], _percent(row["on_time_share"])]
                    for row in stats["by_category"]
                ],
            }
        ]
        if stats["by_category"]
        else [],
    )


def _tone(share: float | None) -> str:
    if share is None:
        return ""
    return "good" if share >= 0.9 else "warn" if share >= 0.7 else "bad"
