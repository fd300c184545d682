from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_feedback.text import NFCCharField, NFCTextField


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
        return f"{self.ran_at:%Y-%m-%d %H:%M}: {self.changed_total}"

    @property
    def changed_total(self) -> int:
        return sum(result.get("changed", 0) for result in self.results.values())


class CalendarDay(models.Model):
    """A day the department's calendar sets apart from `holidays.VN` and the weekend.

    The government moves days each year (a Saturday worked to bridge a holiday) and the department
    closes on its own occasions; every working-day deadline reads these rows over the base calendar.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = NFCCharField(_("reason"), max_length=200, help_text=_("For example: working Saturday for 2 May."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    """Bulk work a staff member started (countersigning many agreements, a large export), run by a worker."""

    kind = models.CharField(_("kind"), max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("items"), default=0)
    done = models.PositiveIntegerField(_("items done"), default=0)
    summary = NFCTextField(_("outcome"), blank=True)
    result = models.FileField(_("result file"), upload_to="private/jobs/", blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
