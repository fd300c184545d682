"""Thin Celery tasks: they take plain values, call one service, and are safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from customs_feedback.organization.models import Branch
from ratings.models import Declaration
from ratings.rollups import rollup_rebuild
from ratings.services import cases_remind_overdue, invitations_send


@shared_task(name="ratings.invitations_send", acks_late=True, ignore_result=True)
def invitations_send_task(numbers: list[str]) -> int:
    return invitations_send(numbers=numbers)


@shared_task(name="ratings.invitations_catch_up", ignore_result=True)
def invitations_catch_up() -> int:
    """Invite declarations cleared in the last two days whose invitation task was lost (broker outage)."""
    since = timezone.now() - timedelta(days=2)
    numbers = list(
        Declaration.objects.filter(
            # Through the (branch, cleared_on) index: the declarations table is large.
            branch_id__in=list(Branch.objects.values_list("pk", flat=True)),
            cleared_on__gte=timezone.localdate(since),
            cleared_at__gte=since,
            invitation__isnull=True,
            rating__isnull=True,
        )
        .exclude(enterprise__email="")
        .values_list("number", flat=True)[:5000]
    )
    return invitations_send(numbers=numbers) if numbers else 0


@shared_task(name="ratings.rollup_rebuild", ignore_result=True)
def rollup_rebuild_task(days: int | None = None) -> int:
    """Recompute the statistics rollup of recent days from the raw rows."""
    today = timezone.localdate()
    return rollup_rebuild(date_from=today - timedelta(days=days or settings.RATING_ROLLUP_REBUILD_DAYS), date_to=today)


@shared_task(name="ratings.cases_overdue", ignore_result=True)
def cases_overdue_task() -> list[int]:
    return list(cases_remind_overdue())


@shared_task(name="ratings.gaming_scan", ignore_result=True)
def gaming_scan_task() -> int:
    from ratings.gaming import gaming_scan

    return gaming_scan()


@shared_task(name="ratings.daily_digests", ignore_result=True)
def daily_digests() -> int:
    """Evening digest of the day's cleared declarations for companies that chose it."""
    from ratings.services import rating_digests_send

    return rating_digests_send().declarations
