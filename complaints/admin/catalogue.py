"""What staff maintain beside the queue: categories, answer templates and FAQ entries."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaints import services
from complaints.models import (
    AnswerTemplate,
    FaqEntry,
    InquiryCategory,
)
from customs_feedback.organization.admin_mixins import (
    AuditedAdminMixin,
    ScopedModelAdmin,
)


@admin.register(InquiryCategory)
class InquiryCategoryAdmin(AuditedAdminMixin, ScopedModelAdmin):
    list_display = ["code", "name_vi", "name_en", "deadline_days", "order", "is_active"]
    list_editable = ["deadline_days", "order", "is_active"]
    search_fields = ["code", "name_vi", "name_en"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(AuditedAdminMixin, ScopedModelAdmin):
    list_display = ["title", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["title", "text"]


@admin.register(FaqEntry)
class FaqEntryAdmin(ScopedModelAdmin):
    list_display = ["question_start", "category", "is_published", "published_at"]
    list_filter = ["is_published", "category"]
    search_fields = ["question", "answer"]
    date_hierarchy = "published_at"
    fields = ["category", "question", "answer", "is_published", "source"]
    readonly_fields = ["source"]

    @admin.display(description=_("question"))
    def question_start(self, entry):
        return entry.question[:100]

    def save_model(self, request, obj, form, change):
        services.faq_entry_save(entry=obj)
