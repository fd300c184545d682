from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.models import ConfigurationChange, Heartbeat
from customs_feedback.organization.admin_mixins import ReadOnlyAdminMixin, ScopedModelAdmin


@admin.register(ConfigurationChange)
class ConfigurationChangeAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type", "at"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    date_hierarchy = "at"
    fields = ["at", "actor", "action", "content_type", "object_id", "object_repr", "changes_list"]
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_list(self, change):
        return format_html_join(
            "",
            "<div><strong>{}</strong>: {} → {}</div>",
            ((name, old, new) for name, (old, new) in change.changes.items()),
        )


@admin.register(Heartbeat)
class HeartbeatAdmin(ScopedModelAdmin):
    list_display = ["component", "last_seen", "detail"]
    readonly_fields = ["component", "last_seen", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
