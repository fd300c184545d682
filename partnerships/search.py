"""Enterprises and agreements in the admin header search."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.search import RESULTS_PER_KIND, Folded, SearchQuery, SearchResult, admin_url, search_kind
from customs_feedback.organization.scoping import for_user
from partnerships.models import Agreement, Enterprise


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
    found = (
        for_user(user, Enterprise.objects.all())
        .annotate(name_folded=Folded("name_vi"))
        .filter(condition)
        .order_by("tax_code")[: RESULTS_PER_KIND + 1]
    )
    return [
        SearchResult(title=str(enterprise), url=admin_url(enterprise), detail=enterprise.address)
        for enterprise in found
    ]


@search_kind(order=20, label=_("Partnership agreements"), model=Agreement)
def agreements(user, query: SearchQuery) -> list[SearchResult]:
    prefix = tax_code_prefix(query)
    condition = Q(reference__iexact=query.text) | Q(reference__iexact=f"MOU-{query.text}")
    if query.digits:
        condition |= Q(number=int(query.digits))
    if prefix:
        condition |= Q(enterprise__tax_code__startswith=prefix)
    elif not query.digits:
        condition |= Q(name_folded__contains=query.folded)
    found = (
        for_user(user, Agreement.objects.all())
        .annotate(name_folded=Folded("company_name"))
        .filter(condition)
        .select_related("enterprise")
        .order_by("-signed_at")[: RESULTS_PER_KIND + 1]
    )
    return [
        SearchResult(
            title=str(agreement),
            url=admin_url(agreement),
            detail=f"{agreement.reference} · {agreement.enterprise.tax_code} · {agreement.get_status_display()}",
        )
        for agreement in found
    ]
