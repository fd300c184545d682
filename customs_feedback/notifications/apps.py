from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "customs_feedback.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from customs_feedback.notifications.models import Notification
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role

        # Notices name enterprises (raters among them): only department leadership reads the outbox.
        scoping.register(Notification)
        roles.grant(
            Role.DEPARTMENT_LEADERSHIP,
            "notifications.view_notification",
            "notifications.change_notification",  # needed by the resend action, which calls a service
            "notifications.view_notificationevent",
        )
