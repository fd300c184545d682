from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When a background component (the Celery worker, the scheduler) last proved it runs."""

    component = models.CharField(_("component"), max_length=50, unique=True)
    last_seen = models.DateTimeField(_("last seen"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.component} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class ConfigurationChange(models.Model):
    """Who changed which piece of configuration (categories, templates, deadlines, roles…) and how."""

    class Action(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey("contenttypes.ContentType", models.PROTECT, verbose_name=_("kind of record"))
    object_id = models.CharField(_("record ID"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("field: [before, after]"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("configuration change")
        verbose_name_plural = _("configuration changes")
        indexes = [models.Index(fields=["content_type", "object_id"], name="config_change_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class RetentionRun(models.Model):
    """One run of the personal-data purge: when, and per rule its period, cut-off and records changed."""

    ran_at = models.DateTimeField(_("ran at"), db_index=True)
    results = models.JSONField(_("results"), default=dict, help_text=_("rule: {days, before, changed}"))

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("personal-data purge")
        verbose_name_plural = _("personal-data purges")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.ran_at):%Y-%m-%d %H:%M}"

    @property
    def changed_total(self) -> int:
        return sum(result.get("changed", 0) for result in self.results.values())
