"""Query parameters of the complaints app's lists, parsed by django-filter: a bad parameter is a 400 with a
message, never a 500 or a silently ignored value."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from complaints.models import FaqEntry, InquiryCategory
from customs_feedback.text import strip_accents

MAX_WORDS = 10


class FaqFilter(django_filters.FilterSet):
    """`q`: words every entry must hold, accents and case ignored; `category`: an active category's code."""

    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="filter_words")
    category = django_filters.ModelChoiceFilter(
        label=_("category"),
        field_name="category",
        to_field_name="code",
        queryset=InquiryCategory.objects.filter(is_active=True),
    )

    class Meta:
        model = FaqEntry
        fields = ["q", "category"]

    def filter_words(self, queryset, name, value):
        for word in strip_accents(value or "").lower().split()[:MAX_WORDS]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset
