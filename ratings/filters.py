"""Query parameters of the ratings statistics, parsed by django-filter: a bad parameter is a translated 400."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ratings.models import DailyRollup
from ratings.periods import Period, parse_period


class PeriodField(forms.CharField):
    def to_python(self, value) -> Period | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_period(value)
        except ValueError:
            raise ValidationError(
                _("Use a period such as 2026 (a year), 2026-Q4 (a quarter) or 2026-11 (a month)."), code="period"
            ) from None


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField

    def filter(self, queryset, value: Period | None):
        if value is None:
            return queryset
        return queryset.filter(day__gte=value.first_day, day__lte=value.last_day)


class CodeFilter(django_filters.CharFilter):
    """A code parameter; the selector resolves and authorises it (unknown codes are its 400s)."""

    def filter(self, queryset, value):
        return queryset


class RatingStatsFilterSet(django_filters.FilterSet):
    """`GET /api/v1/ratings/stats/`: branch, team, official, date_from, date_to, period."""

    branch = CodeFilter(max_length=4)
    team = CodeFilter(max_length=32)
    official = CodeFilter(max_length=32)
    date_from = django_filters.DateFilter(field_name="day", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="day", lookup_expr="lte")
    period = PeriodFilter()

    class Meta:
        model = DailyRollup
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, queryset=DailyRollup.objects.none(), **kwargs)
        for name in ("date_from", "date_to"):
            self.form.fields[name].error_messages["invalid"] = _("Use a date such as 2020-05-31.")

    def cleaned(self) -> dict:
        """The parsed parameters, or a ValidationError naming each bad one."""
        if not self.form.is_valid():
            raise ValidationError({name: list(errors) for name, errors in self.form.errors.items()})
        data = dict(self.form.cleaned_data)
        if data.get("period") and (data.get("date_from") or data.get("date_to")):
            raise ValidationError({"period": [_("Give either a period or dates, not both.")]})
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError({"date_to": [_("The end date is before the start date.")]})
        for name in ("branch", "team", "official"):
            data[name] = (data.get(name) or "").strip()
        return data
