"""Agreement templates: each published version is what enterprises sign."""

from django import forms
from django.contrib import admin

from customs_feedback.organization.admin_mixins import (
    AuditedAdminMixin,
    ScopedModelAdmin,
)
from partnerships import services
from partnerships.models import (
    AgreementTemplate,
)


class AgreementTemplateForm(forms.ModelForm):
    class Meta:
        model = AgreementTemplate
        fields = ["title_vi", "title_en", "body_vi", "body_en"]


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(AuditedAdminMixin, ScopedModelAdmin):
    """A published text is never edited: a change is a new version, which becomes the current one."""

    form = AgreementTemplateForm
    list_display = ["version", "title_vi", "is_current", "sha256", "created_at"]
    readonly_fields = ["version", "sha256", "is_current", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = services.template_publish(**form.cleaned_data)
        obj.pk = published.pk
        obj.version = published.version
