"""The trust loop's records: the official's explanation and appeal, the enterprise's contest of a rejection,
gaming flags for the inspection desk, and the log of every look at who rated.

Imported by ratings.models (the app's model registry); import from there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customs_feedback.organization.models import Official
from customs_feedback.text import NFCTextField
from customs_feedback.workflow import StatusEvent, status_fields
from partnerships.models import Enterprise


class CaseExplanation(models.Model):
    """The rated official's written explanation (giải trình), filed once before its deadline."""

    case = models.OneToOneField(
        "ratings.FollowUpCase", models.CASCADE, related_name="explanation", verbose_name=_("case")
    )
    official = models.ForeignKey(Official, models.PROTECT, related_name="+", verbose_name=_("official"))
    text = NFCTextField(_("explanation"), max_length=5000)
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)

    class Meta:
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")

    def __str__(self) -> str:
        return str(self.case)


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the leadership's decision")
    UPHELD = "upheld", _("Conclusion upheld")
    OVERTURNED = "overturned", _("Conclusion overturned")


class CaseAppeal(models.Model):
    """The official's one appeal of a substantiated conclusion, decided by department leadership."""

    case = models.OneToOneField("ratings.FollowUpCase", models.CASCADE, related_name="appeal", verbose_name=_("case"))
    official = models.ForeignKey(Official, models.PROTECT, related_name="+", verbose_name=_("official"))
    text = NFCTextField(_("grounds of the appeal"), max_length=5000)
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decision_note = NFCTextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return str(self.case)


class CaseAppealEvent(StatusEvent):
    appeal = models.ForeignKey(CaseAppeal, models.CASCADE, related_name="events", verbose_name=_("appeal"))
    from_status, to_status = status_fields(AppealStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")


class ContestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the inspection desk")
    UPHELD = "upheld", _("Rejection upheld")
    REINSTATED = "reinstated", _("Rating reinstated")


class RatingContest(models.Model):
    """The enterprise's one contest of a rejected rating, decided by the inspection desk."""

    rating = models.OneToOneField("ratings.Rating", models.CASCADE, related_name="contest", verbose_name=_("rating"))
    text = NFCTextField(_("grounds of the contest"), max_length=2000)
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=ContestStatus.choices, default=ContestStatus.PENDING)
    decision_note = NFCTextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("contested rejection")
        verbose_name_plural = _("contested rejections")

    def __str__(self) -> str:
        return _("Contest of rating #%(id)s") % {"id": self.rating_id}


class RatingContestEvent(StatusEvent):
    contest = models.ForeignKey(RatingContest, models.CASCADE, related_name="events", verbose_name=_("contest"))
    from_status, to_status = status_fields(ContestStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("contest event")
        verbose_name_plural = _("contest events")


class FlagKind(models.TextChoices):
    REPEATED_LOW = "repeated_low", _("One enterprise, several low ratings of one official in a short time")
    SHARED_CONTACT_BURST = (
        "shared_contact_burst",
        _("Burst of top scores to one official from enterprises sharing a contact"),
    )
    CLIENT_SURGE = "client_surge", _("Ratings from one API client far above its usual rate")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DISMISSED = "dismissed", _("Reviewed: nothing wrong")
    CONFIRMED = "confirmed", _("Reviewed: gaming confirmed")


class RatingFlag(models.Model):
    """A pattern worth a look by the inspection desk. A flag never changes a score by itself."""

    kind = models.CharField(_("pattern"), max_length=24, choices=FlagKind.choices)
    key = models.CharField(_("key"), max_length=200, unique=True)  # one flag per pattern and window
    official = models.ForeignKey(
        Official, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("official")
    )
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("enterprise")
    )
    api_client = models.ForeignKey(
        "ratings.ApiClient", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("API client")
    )
    ratings = models.ManyToManyField("ratings.Rating", related_name="flags", verbose_name=_("ratings"))
    summary = NFCTextField(_("summary"))
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)

    class Meta:
        ordering = ["-detected_at", "pk"]
        verbose_name = _("gaming flag")
        verbose_name_plural = _("gaming flags")
        indexes = [models.Index(fields=["status", "detected_at"], name="flag_status_detected")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.detected_at:%Y-%m-%d})"


class RatingFlagEvent(StatusEvent):
    flag = models.ForeignKey(RatingFlag, models.CASCADE, related_name="events", verbose_name=_("flag"))
    from_status, to_status = status_fields(FlagStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("flag event")
        verbose_name_plural = _("flag events")


class RaterIdentityView(models.Model):
    """One look at the enterprise behind a rating: by whom, when, where (the audit trail of rater protection)."""

    rating = models.ForeignKey("ratings.Rating", models.CASCADE, related_name="+", verbose_name=_("rating"))
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("viewer"))
    viewed_at = models.DateTimeField(_("viewed"), default=timezone.now, db_index=True)
    where = models.CharField(_("where"), max_length=64)

    class Meta:
        ordering = ["-viewed_at", "pk"]
        verbose_name = _("view of a rater's identity")
        verbose_name_plural = _("views of raters' identities")

    def __str__(self) -> str:
        return f"{self.viewer} → #{self.rating_id}"
