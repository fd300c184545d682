"""The partnership section of the results report: agreements signed, in force, suspended, terminated."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from customs_feedback.core.reporting import Column, ReportScope, Section, Table, report_section
from partnerships.models import Agreement, AgreementEvent, AgreementStatus


@report_section(order=10)
def partnership_section(scope: ReportScope) -> Section:
    period = scope.period
    agreements = scope.rows(Agreement.objects.all(), "enterprise__branch_id")
    events = scope.rows(
        AgreementEvent.objects.filter(at__gte=period.start, at__lt=period.end),
        "agreement__enterprise__branch_id",
    )
    in_force_at_end = agreements.filter(activated_at__lt=period.end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=period.end)
    )
    table = Table(
        _("Partnership agreements"),
        [Column(_("Figure"), "text"), Column(_("Number"))],
        [
            [
                _("New agreements in force"),
                agreements.filter(activated_at__gte=period.start, activated_at__lt=period.end).count(),
            ],
            [_("In force at the end of the period"), in_force_at_end.count()],
            [_("Suspended in the period"), events.filter(to_status=AgreementStatus.SUSPENDED).count()],
            [_("Terminated in the period"), events.filter(to_status=AgreementStatus.TERMINATED).count()],
            [
                _("Signed requests waiting for review (today)"),
                agreements.filter(status=AgreementStatus.PENDING_REVIEW).count(),
            ],
        ],
    )
    return Section(_("Partnerships"), [table])
