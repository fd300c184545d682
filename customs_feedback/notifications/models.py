from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_feedback.workflow import StatusEvent, status_fields


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One notice to one recipient: written with the change that causes it, delivered by a Celery task."""

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    # [{"filename": ..., "path": <default storage name>, "content_type": ...}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    content_type = models.ForeignKey(ContentType, models.SET_NULL, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    related_object = GenericForeignKey("content_type", "object_id")
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_message_id = models.CharField(_("message ID"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sweep's two questions: which pending notices are due, which leases expired.
            models.Index(
                fields=["next_attempt_at"], name="notification_pending_due", condition=models.Q(status="pending")
            ),
            models.Index(
                fields=["leased_until"], name="notification_sending_lease", condition=models.Q(status="sending")
            ),
            models.Index(fields=["content_type", "object_id"], name="notification_related_object"),
            # /metrics counts failed notices on every scrape: a small index over the few that failed.
            models.Index(fields=["updated_at"], name="notification_failed", condition=models.Q(status="failed")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.get_status_display()})"


class NotificationEvent(StatusEvent):
    """A change of a notice's status: claims, deliveries, failures, retries, resends."""

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="events")
    from_status, to_status = status_fields(NotificationStatus)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)

    class Meta(StatusEvent.Meta):
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")
