from django import forms
from django.utils.translation import gettext_lazy as _

from ratings.models import LowScoreReason, Score

STARS = [(str(value), label) for value, label in Score.choices]


class StarField(forms.TypedChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(choices=STARS, coerce=int, empty_value=None, required=False, **kwargs)


class RatingForm(forms.Form):
    """The five-star form an emailed link opens; the service applies the rules."""

    official_score = StarField(label=_("The customs official who handled your declaration"))
    team_score = StarField(label=_("The working team"))
    branch_score = StarField(label=_("The customs branch"))
    reason = forms.ChoiceField(
        label=_("Reason (required for 2 stars or fewer)"),
        choices=[("", "—"), *LowScoreReason.choices],
        required=False,
    )
    comment = forms.CharField(label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ContestForm(forms.Form):
    """The enterprise's one contest of a rejected rating."""

    text = forms.CharField(
        label=_("Why the rejection is wrong"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
