from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from complaints.categories import active_categories

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class InquiryForm(forms.Form):
    name = forms.CharField(label=_("Your name or your company's name"), max_length=200)
    email = forms.EmailField(label=_("Email"), help_text=_("We send the tracking link and the answer here."))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    tax_code = forms.CharField(
        label=_("Tax code (optional)"), max_length=20, required=False, help_text=_("For example 0100233488.")
    )
    category = forms.ChoiceField(label=_("Topic"))
    declaration_number = forms.CharField(
        label=_("Customs declaration number (optional)"), max_length=20, required=False, help_text=_("12 digits.")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your question or problem"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Up to %(count)d files of at most %(size)d MB each: PDF, JPEG, PNG, Word (DOCX) or Excel (XLSX).")
        % {"count": settings.INQUIRY_MAX_ATTACHMENTS, "size": settings.INQUIRY_MAX_ATTACHMENT_BYTES // (1024 * 1024)},
    )
    # Bot trap: hidden from people by CSS, left empty by them.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (category.code, category.name) for category in active_categories()
        ]

    def submission(self) -> dict:
        """The cleaned fields as the keyword arguments of services.inquiry_submit."""
        data = self.cleaned_data
        names = ["name", "email", "phone", "tax_code", "subject", "body", "declaration_number", "attachments"]
        return {**{name: data[name] for name in names}, "category_code": data["category"]}


class TrackingLookupForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20, help_text=_("For example VM-4K7P-9QX2."))
    email = forms.EmailField(label=_("The email you gave"))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Add information or ask a follow-up question"), widget=forms.Textarea(attrs={"rows": 5})
    )


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
