from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partnerships.models import MemberRole, RatingInvitationMode


class SignInForm(forms.Form):
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Your email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from the email"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the colleague"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.DECLARANT)


class SettingsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of notices"), choices=settings.LANGUAGES)
    phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    rating_invitations = forms.ChoiceField(
        label=_("Rating invitations"), choices=RatingInvitationMode.choices, widget=forms.RadioSelect
    )


class MemberSignForm(forms.Form):
    representative_name = forms.CharField(label=_("Legal representative"), max_length=200)
    representative_title = forms.CharField(label=_("Title of the representative"), max_length=200, required=False)
    accept_terms = forms.BooleanField(
        label=_("I have read the agreement and, on behalf of the enterprise, I accept its terms."), required=False
    )

    def clean_accept_terms(self) -> bool:
        if not self.cleaned_data.get("accept_terms"):
            raise forms.ValidationError(_("You must accept the terms of the agreement to sign it."))
        return True
