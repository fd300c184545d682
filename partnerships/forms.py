from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from customs_feedback.validators import normalize_tax_code
from partnerships.models import SIGNED_DETAILS


class EnterpriseDetailsForm(forms.Form):
    """What the enterprise declares about itself on the agreement."""

    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        help_text=_("10 digits, or 13 for a branch: 0100233488 or 0100233488-001."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    company_name = forms.CharField(label=_("Name of the enterprise"), max_length=300)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    representative_name = forms.CharField(label=_("Legal representative"), max_length=200)
    representative_title = forms.CharField(label=_("Title of the representative"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    language = forms.ChoiceField(label=_("Language of the agreement and its notices"), choices=settings.LANGUAGES)

    def clean_tax_code(self) -> str:
        return normalize_tax_code(self.cleaned_data["tax_code"])


class SignForm(EnterpriseDetailsForm):
    email = forms.EmailField(
        label=_("Email"), help_text=_("We send the confirmation link to this address."), max_length=254
    )
    accept_terms = forms.BooleanField(
        label=_("I have read the agreement above and, on behalf of the enterprise, I accept its terms."),
        required=False,
    )
    field_order = ["tax_code", *SIGNED_DETAILS, "language", "accept_terms"]

    def clean_accept_terms(self) -> bool:
        if not self.cleaned_data.get("accept_terms"):
            raise forms.ValidationError(_("You must accept the terms of the agreement to sign it."))
        return True


class SignedAgreementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The agreement PDF signed with your enterprise's digital certificate"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    email = forms.EmailField(
        label=_("Email"), help_text=_("We send the certificate of the agreement to this address."), max_length=254
    )
    language = forms.ChoiceField(label=_("Language of the notices"), choices=settings.LANGUAGES)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate PDF to check"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
