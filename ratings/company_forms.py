from django import forms
from django.utils.translation import gettext_lazy as _

from ratings.forms import RatingForm


class CompanyRatingForm(RatingForm):
    """The five-star form of the portal, for one or several of the company's declarations at once."""

    declaration_numbers = forms.MultipleChoiceField(
        label=_("Declarations to rate"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, rateable: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declaration_numbers"].choices = [(number, number) for number in rateable]
