from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customs_feedback.organization.admin_mixins import ScopedModelAdmin
from partnerships.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedModelAdmin):
    list_display = ["tax_code", "name_vi", "representative_name", "email", "phone", "language"]
    list_filter = ["language"]
    search_fields = ["tax_code", "name_vi", "name_en", "email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["tax_code", "name_vi", "name_en", "address"]}),
        (_("Contact"), {"fields": ["representative_name", "representative_title", "email", "phone", "language"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
