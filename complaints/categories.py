"""The active inquiry categories, as every submission and the portal form read them (kept in the process
for `REFERENCE_CACHE_SECONDS`: see customs_feedback/caching.py)."""

from __future__ import annotations

from complaints.models import InquiryCategory
from customs_feedback.caching import ReferenceCache


def _load(_key: None) -> dict[str, InquiryCategory]:
    return {category.code: category for category in InquiryCategory.objects.filter(is_active=True)}


_active: ReferenceCache[dict[str, InquiryCategory]] = ReferenceCache(_load, models=("complaints.InquiryCategory",))


def active_category(code: str) -> InquiryCategory | None:
    """The active category of this code, or None. The instance is shared: read it, never change it."""
    return _active.get().get(code)


def active_categories() -> list[InquiryCategory]:
    """The active categories in their order (`order`, then code)."""
    return list(_active.get().values())
