"""Enterprises and agreements in the admin header search."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.search import RESULTS_PER_KIND, Folded, SearchQuery, SearchResult, admin_url, search_kind
from customs_feedback.organization.scoping import for_user
from partnerships.models import Agreement, Enterprise

NAME_CANDIDATES = 500


def tax_code_prefix(query: SearchQuery) -> str:
    """The typed digits as the start of a stored tax code (13 digits are stored 0100233488-001)."""
    digits = query.digits
    if len(digits) < 3:
        return ""
    return digits[:10] + (f"-{digits[10:]}" if len(digits) > 10 else "")


@search_kind(order=10, label=_("Enterprises"), model=Enterprise)
def enterprises(user, query: SearchQuery) -> list[SearchResult]:
    prefix = tax_code_prefix(query)
    condition = Q(tax_code__startswith=prefix) if prefix else Q(name_folded__contains=query.folded)
    if not prefix:
        condition |= Q(name_en__icontains=query.text)
    # Scoped before the cap, so the first matches are ones this user may see.
    matching = for_user(user, Enterprise.objects.annotate(name_folded=Folded("name_vi")).filter(condition))
    if not prefix:
        # A name matches through the trigram indexes (partnerships 0007). Ordered by tax code directly,
        # PostgreSQL walked the tax-code index testing every name (0.4 s at 40,000 enterprises when few
        # match); sorted after the indexes, a common word ("công ty") sorted them all (0.9 s). So the first
        # NAME_CANDIDATES matches are taken from the indexes and only those are sorted: a word that matches
        # more lists 20 of them and says there are more, which asks for a narrower query anyway.
        matching = Enterprise.objects.filter(pk__in=matching.order_by().values("pk")[:NAME_CANDIDATES])
    found = matching.order_by("tax_code")[: RESULTS_PER_KIND + 1]
    return [
        SearchResult(title=str(enterprise), url=admin_url(enterprise), detail=enterprise.address)
        for enterprise in found
    ]


@search_kind(order=20, label=_("Partnership agreements"), model=Agreement)
def agreements(user, query: SearchQuery) -> list[SearchResult]:
    prefix = tax_code_prefix(query)
    # References are stored in capitals (MOU-…): exact matches on the capitalised text use the unique index.
    reference = query.text.replace(" ", "").upper()
    condition = Q(reference=reference) | Q(reference=f"MOU-{reference}")
    if query.digits:
        condition |= Q(number=int(query.digits))
    if prefix:
        condition |= Q(enterprise__tax_code__startswith=prefix)
    elif not query.digits:
        condition |= Q(name_folded__contains=query.folded)
    matching = for_user(user, Agreement.objects.annotate(name_folded=Folded("company_name")).filter(condition))
    if not prefix and not query.digits:
        # As for enterprises: the first NAME_CANDIDATES matches from the indexes, then only those sorted (a
        # common word otherwise walked every agreement by date, 1 s at 20,000).
        matching = Agreement.objects.filter(pk__in=matching.order_by().values("pk")[:NAME_CANDIDATES])
    found = matching.select_related("enterprise").order_by("-signed_at")[: RESULTS_PER_KIND + 1]
    return [
        SearchResult(
            title=str(agreement),
            url=admin_url(agreement),
            detail=f"{agreement.reference} · {agreement.enterprise.tax_code} · {agreement.get_status_display()}",
        )
        for agreement in found
    ]
