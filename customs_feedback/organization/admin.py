from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customs_feedback.organization.admin_mixins import ScopedModelAdmin
from customs_feedback.organization.models import Branch, Official, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["code", "name_vi", "name_en", "is_active"]


@admin.register(Branch)
class BranchAdmin(ScopedModelAdmin):
    list_display = ["code", "name_vi", "name_en", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_vi", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "name_vi", "name_en", "address", "is_active"]}),
    ]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(ScopedModelAdmin):
    list_display = ["code", "name_vi", "branch", "is_active"]
    list_filter = ["is_active", "branch"]
    list_select_related = ["branch"]
    search_fields = ["code", "name_vi", "name_en", "branch__code"]
    autocomplete_fields = ["branch"]


@admin.register(Official)
class OfficialAdmin(ScopedModelAdmin):
    list_display = ["code", "full_name", "title", "branch", "team", "user", "is_active"]
    list_filter = ["is_active", "branch"]
    list_select_related = ["branch", "team", "user"]
    search_fields = ["code", "full_name", "email", "user__username"]
    autocomplete_fields = ["branch", "team", "user"]
    fieldsets = [
        (None, {"fields": ["code", "full_name", "title", "email", "is_active"]}),
        (_("Placement"), {"fields": ["branch", "team"]}),
        (_("Staff account"), {"fields": ["user"]}),
    ]
