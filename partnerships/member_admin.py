"""Back office for the enterprise portal's users (partnership desk): who acts for which company, and the
history of every change. Read-only: companies manage their users on the portal."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customs_feedback.organization.admin_mixins import ScopedModelAdmin, StatusEventInline
from partnerships.models import EnterpriseUser, MemberEvent


class ReadOnlyAdmin(ScopedModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberEventInline(StatusEventInline):
    model = MemberEvent
    fk_name = "member"
    fields = [*StatusEventInline.fields, "actor_member"]
    verbose_name_plural = _("history")


@admin.register(EnterpriseUser)
class EnterpriseUserAdmin(ReadOnlyAdmin):
    list_display = ["email", "enterprise", "role", "status", "is_representative", "last_sign_in_at"]
    list_filter = ["role", "status", "is_representative"]
    search_fields = ["email", "name", "enterprise__tax_code", "enterprise__name_vi"]
    list_select_related = ["enterprise"]
    date_hierarchy = "created_at"
    fields = ["enterprise", "email", "name", "role", "status", "is_representative", "language", "last_sign_in_at"]
    inlines = [MemberEventInline]


@admin.register(MemberEvent)
class MemberEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "enterprise", "subject_email", "note", "from_status", "to_status", "actor_member", "actor"]
    list_filter = ["to_status"]
    search_fields = ["subject_email", "enterprise__tax_code", "enterprise__name_vi", "note"]
    list_select_related = ["enterprise", "actor_member", "actor"]
    date_hierarchy = "at"
