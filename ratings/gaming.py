"""Patterns that may be gaming, queued for the inspection desk. A flag never changes a score by itself."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import PermissionDenied
from customs_feedback.workflow import record_event, transition
from ratings.access import is_inspection_desk
from ratings.models import FlagKind, FlagStatus, Rating, RatingFlag
from ratings.transitions import FLAG_ALLOWED


def _flag(*, kind: str, key: str, ratings: list[Rating], summary: str, **links) -> bool:
    """Record one flag (idempotent by key); True when it is new."""
    flag, created = RatingFlag.objects.get_or_create(key=key, defaults={"kind": kind, "summary": summary, **links})
    if created:
        flag.ratings.set(ratings)
        record_event(flag, to_status=FlagStatus.OPEN, note=summary)
    return created


def _repeated_low(since: datetime) -> int:
    """One enterprise giving several low ratings to one official within the window."""
    threshold = settings.RATING_GAMING_REPEATED_LOW
    groups = (
        Rating.objects.filter(submitted_at__gte=since, official_score__lte=2)
        .values("declaration__enterprise_id", "official_id")
        .annotate(count=Count("pk"))
        .filter(count__gte=threshold)
    )
    new = 0
    for group in groups:
        enterprise_id, official_id = group["declaration__enterprise_id"], group["official_id"]
        ratings = list(
            Rating.objects.filter(
                submitted_at__gte=since,
                official_score__lte=2,
                declaration__enterprise_id=enterprise_id,
                official_id=official_id,
            ).order_by("submitted_at")
        )
        key = f"repeated_low:{enterprise_id}:{official_id}:{ratings[0].pk}"
        summary = _("%(count)s low ratings of one official by one enterprise within %(days)s days.") % {
            "count": len(ratings),
            "days": settings.RATING_GAMING_WINDOW_DAYS,
        }
        new += _flag(
            kind=FlagKind.REPEATED_LOW,
            key=key,
            ratings=ratings,
            summary=summary,
            official_id=official_id,
            enterprise_id=enterprise_id,
        )
    return new


def _shared_contact_burst(now: datetime) -> int:
    """Top scores to one official within a day from different enterprises sharing an email or phone."""
    since = now - timedelta(hours=24)
    rows = Rating.objects.filter(submitted_at__gte=since, official_score=5).values_list(
        "pk",
        "official_id",
        "declaration__enterprise_id",
        "declaration__enterprise__email",
        "declaration__enterprise__phone",
    )
    by_contact: defaultdict[tuple, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for rating_id, official_id, enterprise_id, email, phone in rows:
        for contact in {(email or "").strip().lower(), "".join(ch for ch in (phone or "") if ch.isdigit())} - {""}:
            by_contact[(official_id, contact)][enterprise_id].append(rating_id)
    new = 0
    for (official_id, contact), enterprises in by_contact.items():
        rating_ids = [rating_id for ids in enterprises.values() for rating_id in ids]
        if len(enterprises) < 2 or len(rating_ids) < settings.RATING_GAMING_SHARED_CONTACT_TOP:
            continue
        summary = _(
            "%(count)s top scores to one official in 24 hours from %(companies)s enterprises sharing a contact."
        ) % {
            "count": len(rating_ids),
            "companies": len(enterprises),
        }
        new += _flag(
            kind=FlagKind.SHARED_CONTACT_BURST,
            key=f"shared_contact:{official_id}:{contact}:{min(rating_ids)}",
            ratings=list(Rating.objects.filter(pk__in=rating_ids)),
            summary=summary,
            official_id=official_id,
        )
    return new


def _client_surge(now: datetime) -> int:
    """An API client pushing far more ratings in the last hour than its usual hourly rate (30 days)."""
    hour_ago, month_ago = now - timedelta(hours=1), now - timedelta(days=30)
    clients = (
        Rating.objects.filter(submitted_at__gte=month_ago, submitted_by__isnull=False)
        .values("submitted_by_id")
        .annotate(recent=Count("pk", filter=Q(submitted_at__gte=hour_ago)), total=Count("pk"))
    )
    new = 0
    for row in clients:
        usual = (row["total"] - row["recent"]) / (30 * 24 - 1)
        if row["recent"] < settings.RATING_GAMING_CLIENT_SURGE_MIN:
            continue
        if row["recent"] <= settings.RATING_GAMING_CLIENT_SURGE_FACTOR * usual:
            continue
        summary = _("%(count)s ratings in one hour from one API client (usually about %(usual)s an hour).") % {
            "count": row["recent"],
            "usual": round(usual, 1),
        }
        new += _flag(
            kind=FlagKind.CLIENT_SURGE,
            key=f"client_surge:{row['submitted_by_id']}:{now:%Y-%m-%dT%H}",
            ratings=list(Rating.objects.filter(submitted_by_id=row["submitted_by_id"], submitted_at__gte=hour_ago)),
            summary=summary,
            api_client_id=row["submitted_by_id"],
        )
    return new


def gaming_scan(*, now: datetime | None = None) -> int:
    """Look for the three patterns in recent ratings; returns how many new flags were raised (safe to rerun)."""
    now = now or timezone.now()
    with transaction.atomic():
        return (
            _repeated_low(now - timedelta(days=settings.RATING_GAMING_WINDOW_DAYS))
            + _shared_contact_burst(now)
            + _client_surge(now)
        )


@transaction.atomic
def flag_review(*, flag_id: int, confirmed: bool, note: str, actor) -> RatingFlag:
    """The inspection desk closes a flag; scores stay as they are (rejecting a rating is a separate act)."""
    if not is_inspection_desk(actor):
        raise PermissionDenied(_("Only the inspection desk reviews gaming flags."))
    flag = RatingFlag.objects.get(pk=flag_id)
    target = FlagStatus.CONFIRMED if confirmed else FlagStatus.DISMISSED
    return transition(flag, to=target, allowed=FLAG_ALLOWED, actor=actor, note=(note or "").strip())
