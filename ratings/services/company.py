"""Writes of the enterprise portal for ratings: several declarations rated at once, and the daily digest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.exceptions import DomainError
from customs_feedback.notifications.services import notify
from customs_feedback.validators import DECLARATION_NUMBER
from partnerships.models import Enterprise, RatingInvitationMode
from ratings.models import Channel, Declaration, Rating, RatingInvitation
from ratings.services.invitations import _cleared, invitation_token
from ratings.services.ratings import AlreadyRated, RatingInput, clean_rating_input, rating_submit

MAX_NUMBERS = 100


class RatingsRefused(DomainError):
    """Some of the declarations cannot be rated; nothing was recorded. `by_number` says why, per number."""

    def __init__(self, by_number: dict[str, str], *, conflict: bool) -> None:
        self.by_number = by_number
        self.status_code = 409 if conflict else 400
        super().__init__(_("Nothing was recorded: some of the declarations cannot be rated."))


def _clean_numbers(numbers: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(str(number).strip() for number in numbers or ()))
    if not cleaned:
        raise ValidationError({"declaration_numbers": [_("Choose at least one declaration.")]})
    if len(cleaned) > MAX_NUMBERS:
        raise ValidationError(
            {"declaration_numbers": [_("Rate at most %(count)s declarations at once.") % {"count": MAX_NUMBERS}]}
        )
    bad = [number for number in cleaned if not DECLARATION_NUMBER.match(number)]
    if bad:
        raise ValidationError(
            {
                "declaration_numbers": [
                    _("A customs declaration number has exactly 12 digits: %(numbers)s.") % {"numbers": ", ".join(bad)}
                ]
            }
        )
    return cleaned


def ratings_submit_for_company(
    *, enterprise: Enterprise, declaration_numbers: Sequence[str], data: RatingInput
) -> list[Rating]:
    """Rate several of the company's declarations with the same scores, under the rules of one rating each.

    All or nothing: when any number cannot be rated (already rated, not cleared, out of the window, not the
    company's), nothing is recorded and the refusal names each number.
    """
    clean_rating_input(data)
    numbers = _clean_numbers(declaration_numbers)
    own = set(Declaration.objects.filter(enterprise=enterprise, number__in=numbers).values_list("number", flat=True))
    refused: dict[str, str] = {
        number: _("Your company has no declaration with this number.") for number in numbers if number not in own
    }
    if refused:
        raise RatingsRefused(refused, conflict=False)
    conflict = False
    created: list[Rating] = []
    with transaction.atomic():  # raising inside rolls back the ratings already recorded
        for number in numbers:
            try:
                created.append(
                    rating_submit(
                        declaration_number=number, tax_code=enterprise.tax_code, data=data, channel=Channel.PORTAL
                    )
                )
            except AlreadyRated as error:
                refused[number], conflict = error.message, True
            except DomainError as error:
                refused[number] = error.message
        if refused:
            raise RatingsRefused(refused, conflict=conflict)
    return created


# --- daily digest of rating invitations ----------------------------------------------------------


@dataclass(frozen=True)
class DigestResult:
    companies: int
    declarations: int


def rating_digests_send(*, day: date | None = None) -> DigestResult:
    """For companies that chose the daily digest: one mail listing the day's cleared declarations, each with
    its single-use rating link (and those cleared late the day before). Each declaration is listed once
    (its invitation row), each mail is keyed by company and day: running it twice sends nothing more."""
    day = day or timezone.localdate()
    window = timedelta(days=settings.RATING_WINDOW_DAYS)
    declarations = (
        Declaration.objects.filter(
            cleared_on__range=(day - timedelta(days=1), day),
            enterprise__rating_invitations=RatingInvitationMode.DAILY,
            invitation__isnull=True,
            rating__isnull=True,
        )
        .exclude(enterprise__email="")
        .select_related("enterprise", "branch")
        .order_by("enterprise_id", "cleared_at", "number")
    )
    by_company: dict[int, list[Declaration]] = defaultdict(list)
    for declaration in declarations:
        by_company[declaration.enterprise_id].append(declaration)
    sent = 0
    now = timezone.now()
    for company_declarations in by_company.values():
        enterprise = company_declarations[0].enterprise
        with transaction.atomic():
            items = []
            for declaration in company_declarations:
                invitation = RatingInvitation.objects.create(
                    declaration=declaration,
                    enterprise=enterprise,
                    sent_at=now,
                    expires_at=_cleared(declaration) + window,
                )
                items.append(
                    {
                        "number": declaration.number,
                        "cleared_at": timezone.localtime(declaration.cleared_at),
                        "branch_name": declaration.branch.name_vi,
                        "rate_url": settings.SITE_URL
                        + reverse("ratings:rate", kwargs={"token": invitation_token(invitation)}),
                    }
                )
            notify(
                kind="rating_digest",
                recipient=enterprise.email,
                language=enterprise.language,
                context={
                    "company_name": enterprise.name_vi or enterprise.name_en or enterprise.tax_code,
                    "day": day,
                    "declarations": items,
                    "portal_url": settings.SITE_URL + reverse("enterprise:section", args=["declarations"]),
                },
                idempotency_key=f"rating-digest:{enterprise.pk}:{day.isoformat()}",
                obj=enterprise,
            )
        sent += len(items)
    return DigestResult(companies=len(by_company), declarations=sent)
