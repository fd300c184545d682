"""Declarations in the admin header search, by their 12-digit number (or its start)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.search import RESULTS_PER_KIND, SearchQuery, SearchResult, admin_url, search_kind
from customs_feedback.organization.scoping import for_user
from ratings.models import Declaration

MIN_DIGITS = 6  # fewer digits would match a good part of the register


def number_prefix(digits: str) -> dict[str, str]:
    """Numbers starting with `digits`, as a range the unique index answers.

    `number__startswith` is LIKE 'digits%', which the number's B-tree cannot answer under the database's
    collation (the table keeps no pattern index, to keep imports fast): it read all 20 million numbers
    (36 s). Every number is made of digits, so the ones that start with 0213 are those from 0213 up to,
    not including, 0214.
    """
    bounds = {"number__gte": digits}
    following = digits.rstrip("9")
    if following:  # digits of nines only have no upper bound
        bounds["number__lt"] = following[:-1] + str(int(following[-1]) + 1)
    return bounds


@search_kind(order=30, label=_("Customs declarations"), model=Declaration)
def declarations(user, query: SearchQuery) -> list[SearchResult]:
    if len(query.digits) < MIN_DIGITS:
        return []
    found = (
        for_user(user, Declaration.objects.filter(**number_prefix(query.digits)))
        .select_related("enterprise", "branch")
        .order_by("number")[: RESULTS_PER_KIND + 1]
    )
    return [
        SearchResult(
            title=declaration.number,
            url=admin_url(declaration),
            detail=" · ".join(
                part
                for part in (
                    str(declaration.enterprise),
                    declaration.branch.code,
                    date_format(declaration.cleared_at, "SHORT_DATE_FORMAT") if declaration.cleared_at else "",
                )
                if part
            ),
        )
        for declaration in found
    ]
