from django.contrib import admin, messages
from django.http import JsonResponse
from django.utils.html import format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.models import CalendarDay, ConfigurationChange, Heartbeat, RetentionRun
from customs_feedback.core.privacy import subject_data
from customs_feedback.organization.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin, ScopedModelAdmin


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


@admin.register(RetentionRun)
class RetentionRunAdmin(ScopedModelAdmin):
    """What each daily purge of expired personal data changed (read-only)."""

    list_display = ["ran_at", "changed_total"]
    date_hierarchy = "ran_at"
    fields = ["ran_at", "results_list"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("records changed"))
    def changed_total(self, run):
        return run.changed_total

    @admin.display(description=_("results"))
    def results_list(self, run):
        return format_html_join(
            "",
            "<div><strong>{}</strong>: {} ({} {}, {} {})</div>",
            (
                (name, result["changed"], result["days"], _("days"), _("before"), result["before"][:10])
                for name, result in run.results.items()
            ),
        )


class SubjectExportMixin:
    """Adds the admin action that downloads everything held about the selected record's email address
    (a data-subject request); for department leadership and superusers."""

    subject_email_field = "email"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.has_perm("core.view_retentionrun"):
            action = SubjectExportMixin.export_subject_data
            actions[action.__name__] = (action, action.__name__, action.short_description)
        return actions

    @admin.action(description=_("Export everything held about this email (data-subject request)"))
    def export_subject_data(self, request, queryset):
        emails = {getattr(record, self.subject_email_field).strip().lower() for record in queryset}
        emails.discard("")
        if len(emails) != 1:
            self.message_user(request, _("Select records of exactly one email address."), messages.ERROR)
            return None
        email = emails.pop()
        response = JsonResponse(subject_data(email=email), json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="subject-data-{slugify(email)}.json"'
        return response


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
