"""The outbox on the dashboard: what waits, what failed, whether the worker runs (leadership only)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.core.dashboard import Figure, Panel, panel
from customs_feedback.core.models import Heartbeat
from customs_feedback.notifications.models import Notification, NotificationStatus
from customs_feedback.organization.scoping import for_user, sees_everything


@panel(order=90)
def notices_panel(request) -> Panel | None:
    if not sees_everything(request.user, Notification):
        return None
    notices = for_user(request.user, Notification.objects.all())
    today = timezone.localdate()
    changelist = reverse("admin:notifications_notification_changelist")
    failed = notices.filter(status=NotificationStatus.FAILED).count()
    pending = notices.filter(status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING]).count()
    heartbeat = Heartbeat.objects.filter(component="worker").first()
    if heartbeat is None:
        worker, tone = _("never seen"), "bad"
    else:
        minutes = int((timezone.now() - heartbeat.last_seen).total_seconds() // 60)
        worker, tone = _("%(minutes)d min ago") % {"minutes": minutes}, "good" if minutes <= 5 else "bad"
    return Panel(
        title=_("Notices to businesses"),
        figures=[
            Figure(_("sent today"), notices.filter(sent_at__date=today).count(), f"{changelist}?status__exact=sent"),
            Figure(_("waiting"), pending, f"{changelist}?status__exact=pending", "warn" if pending else ""),
            Figure(_("failed"), failed, f"{changelist}?status__exact=failed", "bad" if failed else "good"),
            Figure(_("worker last seen"), worker, tone=tone),
        ],
    )
