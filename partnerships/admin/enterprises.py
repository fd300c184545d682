"""The enterprise registry."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customs_feedback.organization.admin_mixins import (
    ReadOnlyInline,
    ScopedModelAdmin,
)
from customs_feedback.validators import normalize_tax_code
from partnerships.models import (
    Agreement,
    Enterprise,
)


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "tax_code",
            "name_vi",
            "name_en",
            "address",
            "branch",
            "representative_name",
            "representative_title",
            "email",
            "phone",
            "language",
        ]

    def clean_tax_code(self) -> str:
        return normalize_tax_code(self.cleaned_data["tax_code"])


class EnterpriseAgreementInline(ReadOnlyInline):
    model = Agreement
    fields = ["reference", "number", "status", "signed_at", "activated_at", "ended_at"]
    show_change_link = True
    verbose_name_plural = _("partnership agreements")


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedModelAdmin):
    form = EnterpriseForm
    inlines = [EnterpriseAgreementInline]
    list_display = ["tax_code", "name_vi", "branch", "representative_name", "email", "phone", "language"]
    # No date_hierarchy on created_at: its links read DISTINCT days over every enterprise on each page load;
    # the date filter needs no query.
    list_filter = ["language", "branch", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["branch"]
    search_fields = ["tax_code", "name_vi", "name_en", "email"]
    # The company chooses how rating invitations arrive, in the enterprise portal's settings.
    readonly_fields = ["rating_invitations", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["tax_code", "name_vi", "name_en", "address", "branch"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "representative_name",
                    "representative_title",
                    "email",
                    "phone",
                    "language",
                    "rating_invitations",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
