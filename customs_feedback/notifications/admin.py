from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from customs_feedback.notifications.models import Notification, NotificationEvent, NotificationStatus
from customs_feedback.notifications.rendering import notification_html
from customs_feedback.notifications.services import notification_resend
from customs_feedback.organization.admin_mixins import (
    ScopedModelAdmin,
    ServiceActionMixin,
    ServiceWrittenAdminMixin,
    StatusEventInline,
)


class NotificationEventInline(StatusEventInline):
    model = NotificationEvent
    fields = ["at", "from_status", "to_status", "attempt", "actor", "note"]
    verbose_name_plural = _("Attempt history")


@admin.register(Notification)
class NotificationAdmin(ServiceWrittenAdminMixin, ServiceActionMixin, ScopedModelAdmin):
    list_display = ["created_at", "kind", "recipient", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language", "created_at"]
    search_fields = ["recipient", "subject", "idempotency_key"]
    # No date_hierarchy (DISTINCT years over every notice): the created_at filter above needs no query.
    list_per_page = 50
    actions = ["resend_failed"]
    inlines = [NotificationEventInline]
    fieldsets = [
        (None, {"fields": ["kind", "recipient", "language", "status", "related"]}),
        (_("Message"), {"fields": ["subject", "message_text", "html_preview", "attachment_names"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "attempts",
                    "next_attempt_at",
                    "leased_until",
                    "sent_at",
                    "provider_message_id",
                    "last_error",
                    "idempotency_key",
                    "created_at",
                ]
            },
        ),
    ]
    # Every field shown is read-only: a notice is a record of what was sent.
    readonly_fields = flatten_fieldsets(fieldsets)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is read-only; the change permission exists only for the resend action.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("related record"))
    def related(self, notification):
        return f"{notification.content_type} #{notification.object_id}" if notification.content_type_id else "—"

    @admin.display(description=_("text"))
    def message_text(self, notification):
        return format_html('<pre style="white-space: pre-wrap; margin: 0;">{}</pre>', notification.body_text)

    @admin.display(description=_("HTML version"))
    def html_preview(self, notification):
        if not notification.body_html and not notification.body_text:
            return "—"
        url = reverse("admin:notifications_notification_preview", args=[notification.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Open the HTML version"))

    @admin.display(description=_("attachments"))
    def attachment_names(self, notification):
        return ", ".join(attachment["filename"] for attachment in notification.attachments) or "—"

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:pk>/preview/", preview, name="notifications_notification_preview"), *super().get_urls()]

    def preview_view(self, request, pk):
        notification = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, notification):
            return HttpResponse(status=403)
        response = HttpResponse(notification_html(notification))
        # The message is shown as sent, sandboxed: no script, no request leaves the page.
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        return response

    @admin.action(description=_("Resend the selected failed notices"), permissions=["change"])
    def resend_failed(self, request, queryset):
        self.run_per_row(
            request,
            queryset.filter(status=NotificationStatus.FAILED),
            lambda notification: notification_resend(notification_id=notification.pk, actor=request.user),
            lambda resent: ngettext("%d notice queued again.", "%d notices queued again.", resent) % resent,
        )
        skipped = queryset.exclude(status=NotificationStatus.FAILED).count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d notice was not resent: only failed notices can be.",
                    "%d notices were not resent: only failed notices can be.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )
