"""Officials in the admin header search, by code or by name without accents."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.search import RESULTS_PER_KIND, Folded, SearchQuery, SearchResult, admin_url, search_kind
from customs_feedback.organization.models import Official
from customs_feedback.organization.scoping import for_user


@search_kind(order=50, label=_("Customs officials"), model=Official)
def officials(user, query: SearchQuery) -> list[SearchResult]:
    condition = Q(code__iexact=query.text) | Q(name_folded__contains=query.folded)
    found = (
        for_user(user, Official.objects.all())
        .annotate(name_folded=Folded("full_name"))
        .filter(condition)
        .select_related("branch")
        .order_by("branch__code", "full_name")[: RESULTS_PER_KIND + 1]
    )
    return [
        SearchResult(title=str(official), url=admin_url(official), detail=f"{official.branch} · {official.title}")
        for official in found
    ]
