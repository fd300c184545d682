from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.models import CalendarDay, ConfigurationChange, Heartbeat
from customs_feedback.organization.admin_mixins import AuditedAdminMixin, ScopedModelAdmin


@admin.register(ConfigurationChange)
class ConfigurationChangeAdmin(ScopedModelAdmin):
    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type", "at"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "actor__username"]
    date_hierarchy = "at"
    fields = ["at", "actor", "action", "content_type", "object_id", "object_repr", "changes_list"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, ScopedModelAdmin):
    """Days off and working days over holidays.VN; every change is in the configuration audit trail."""

    list_display = ["day", "weekday", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["note"]
    date_hierarchy = "day"
    fields = ["day", "kind", "note"]

    @admin.display(description=_("weekday"))
    def weekday(self, calendar_day):
        from django.utils.dateformat import format as date_format

        return date_format(calendar_day.day, "l")
