"""Inquiries in the admin header search, by tracking code or the submitter's tax code."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import Inquiry
from customs_feedback.core.search import RESULTS_PER_KIND, SearchQuery, SearchResult, admin_url, search_kind
from customs_feedback.organization.scoping import for_user


@search_kind(order=40, label=_("Inquiries"), model=Inquiry)
def inquiries(user, query: SearchQuery) -> list[SearchResult]:
    # Tracking codes are stored in capitals: an exact match on the capitalised text uses the unique index,
    # where iexact (UPPER(column) = UPPER(text)) read every inquiry.
    condition = Q(tracking_code=query.text.replace(" ", "").upper())
    if len(query.digits) >= 10:
        condition |= Q(tax_code__startswith=query.digits[:10])
    found = for_user(user, Inquiry.objects.filter(condition)).select_related("category").order_by("-submitted_at")
    return [
        SearchResult(
            title=str(inquiry),
            url=admin_url(inquiry),
            detail=f"{inquiry.get_status_display()} · {inquiry.name}",
        )
        for inquiry in found[: RESULTS_PER_KIND + 1]
    ]
