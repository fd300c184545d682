from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.text import NFCTextField
from customs_feedback.validators import validate_declaration_number
from customs_feedback.workflow import StatusEvent, status_fields
from partnerships.models import Enterprise


class ApiScope(models.TextChoices):
    DECLARATIONS = "declarations", _("Push declarations")
    RATINGS = "ratings", _("Push ratings")


class ApiClient(AbstractAPIKey):
    """A system that calls the API (VNACCS feed, declaration software); only the key's hash is stored."""

    scopes = models.JSONField(_("scopes"), default=list, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class Declaration(models.Model):
    """A customs declaration (tờ khai) as VNACCS reports it; the thing an enterprise rates.

    The fact table of the system (tens of millions of rows, loaded in bulk): its references are resolved by
    the ingestion paths and protected by the ORM (on_delete=PROTECT), without per-row foreign-key triggers
    in the database, and it carries only the indexes its reads need.
    """

    number = models.CharField(_("declaration number"), max_length=12, validators=[validate_declaration_number])
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="declarations", verbose_name=_("enterprise"), db_constraint=False
    )
    # The branch's own index would duplicate the (branch, cleared_on) one below.
    branch = models.ForeignKey(
        Branch,
        models.PROTECT,
        related_name="declarations",
        verbose_name=_("branch"),
        db_index=False,
        db_constraint=False,
    )
    team = models.ForeignKey(
        Team,
        models.PROTECT,
        related_name="declarations",
        verbose_name=_("working team"),
        db_index=False,
        db_constraint=False,
    )
    official = models.ForeignKey(
        Official,
        models.PROTECT,
        related_name="declarations",
        verbose_name=_("handling official"),
        db_index=False,
        db_constraint=False,
    )
    registered_at = models.DateTimeField(_("registered"))
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    # The local (Vietnam) day of clearance, kept with the row so rollups group without time-zone SQL.
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("customs declaration")
        verbose_name_plural = _("customs declarations")
        constraints = [
            # A constraint rather than unique=True: no extra LIKE-pattern index on 20 million numbers.
            models.UniqueConstraint(fields=["number"], name="declaration_number_unique"),
        ]
        indexes = [
            models.Index(fields=["branch", "cleared_on"], name="declaration_branch_cleared"),
            # The changelist's default order: its first page is read from this index, not sorted from 20 M rows.
            models.Index(fields=["-registered_at"], name="declaration_registered"),
        ]

    def __str__(self) -> str:
        return self.number


class Score(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# The three scores of a rating: of the official, the working team, the branch.
SCORE_FIELDS = ("official_score", "team_score", "branch_score")


class LowScoreReason(models.TextChoices):
    ATTITUDE = "attitude", _("Attitude")
    DELAY = "delay", _("Delay")
    WRONG_GUIDANCE = "wrong_guidance", _("Wrong guidance")
    UNCLEAR_REQUIREMENTS = "unclear_requirements", _("Unclear requirements")
    HARASSMENT = "harassment", _("Harassment or negative conduct")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    SOFTWARE = "software", _("Declaration software")
    EMAIL_LINK = "email_link", _("Emailed link")
    PORTAL = "portal", _("Enterprise portal")


class RatingStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class RejectionReason(models.TextChoices):
    INVALID = "invalid", _("Invalid")
    ABUSIVE = "abusive", _("Abusive")
    MISTARGETED = "mistargeted", _("Mistargeted")


class RaterStatus(models.TextChoices):
    """What the enterprise reads about its rating: the rating's status and its case's, in one word."""

    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    UNDER_FOLLOW_UP = "under_follow_up", _("Under follow-up")
    CONCLUDED = "concluded", _("Concluded")


# A score of LOW_SCORE stars or fewer is low: it needs a reason, and the rating opens a follow-up case.
LOW_SCORE = 2


def any_low_score(scores) -> bool:
    """Whether any of the scores given (None for a target not rated) is low."""
    return any(score is not None and score <= LOW_SCORE for score in scores)


class Rating(models.Model):
    """One enterprise's rating of one declaration: the official, the team and the branch on five stars."""

    declaration = models.OneToOneField(
        Declaration, models.PROTECT, related_name="rating", verbose_name=_("declaration")
    )
    # Copied from the declaration when the rating is made: statistics and scoping never join through it.
    # The branch's own index would repeat the first column of `rating_branch_submitted`: every rating wrote both.
    branch = models.ForeignKey(Branch, models.PROTECT, related_name="+", verbose_name=_("branch"), db_index=False)
    team = models.ForeignKey(Team, models.PROTECT, related_name="+", verbose_name=_("working team"))
    official = models.ForeignKey(Official, models.PROTECT, related_name="+", verbose_name=_("official"))
    official_score = models.PositiveSmallIntegerField(_("official score"), choices=Score.choices, null=True)
    team_score = models.PositiveSmallIntegerField(_("team score"), choices=Score.choices, null=True)
    branch_score = models.PositiveSmallIntegerField(_("branch score"), choices=Score.choices, null=True)
    reason = models.CharField(_("reason"), max_length=32, choices=LowScoreReason.choices, blank=True)
    comment = NFCTextField(_("comment"), blank=True, max_length=2000)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=RatingStatus.choices, default=RatingStatus.RECEIVED)
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=16, choices=RejectionReason.choices, blank=True
    )
    rejection_note = NFCTextField(_("rejection note"), blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    # The declaration software that pushed the rating: only it may read the rating's status back.
    # Indexed in Meta (`rating_submitted_by`): Django's own index of a text key adds a twin for LIKE searches,
    # which nothing makes on a key.
    submitted_by = models.ForeignKey(
        ApiClient,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
        db_index=False,
    )
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_on = models.DateField(_("submitted on"), editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [
            models.Index(fields=["branch", "submitted_on"], name="rating_branch_submitted"),
            models.Index(fields=["-submitted_at"], name="rating_submitted"),  # the changelist's default order
            # The verification queue (status=received) in that order, and its count, without reading 2 M rows.
            models.Index(fields=["status", "-submitted_at"], name="rating_status_submitted"),
            models.Index(fields=["submitted_by"], name="rating_submitted_by"),  # an API client's ratings
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(official_score=None, team_score=None, branch_score=None),
                name="rating_has_a_score",
            ),
        ]

    def __str__(self) -> str:
        return _("Rating #%(id)s") % {"id": self.pk}

    @property
    def is_low(self) -> bool:
        return any_low_score(self.scores())

    def scores(self) -> tuple[int | None, int | None, int | None]:
        return self.official_score, self.team_score, self.branch_score


class RatingEvent(StatusEvent):
    rating = models.ForeignKey(Rating, models.CASCADE, related_name="events", verbose_name=_("rating"))
    from_status, to_status = status_fields(RatingStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("rating event")
        verbose_name_plural = _("rating events")


class RatingInvitation(models.Model):
    """An emailed invitation to rate one declaration; its signed link works once, until it expires."""

    declaration = models.OneToOneField(
        Declaration, models.CASCADE, related_name="invitation", verbose_name=_("declaration")
    )
    enterprise = models.ForeignKey(Enterprise, models.CASCADE, related_name="+", verbose_name=_("enterprise"))
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")
        indexes = [models.Index(fields=["enterprise", "sent_at"], name="invitation_enterprise_sent")]

    def __str__(self) -> str:
        return self.declaration.number


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    APPEALED = "appealed", _("Appealed by the official")


class Conclusion(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated: the official is responsible")
    PARTLY_SUBSTANTIATED = "partly_substantiated", _("Partly substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    RATING_REJECTED = "rating_rejected", _("Closed: the rating was rejected")


# The conclusions an investigator chooses from (a rejected rating closes its case by itself).
INVESTIGATED_CONCLUSIONS = [Conclusion.SUBSTANTIATED, Conclusion.PARTLY_SUBSTANTIATED, Conclusion.NOT_SUBSTANTIATED]
APPEALABLE_CONCLUSIONS = {Conclusion.SUBSTANTIATED, Conclusion.PARTLY_SUBSTANTIATED}


class Measure(models.TextChoices):
    NONE = "none", _("No measure")
    REMINDER = "reminder", _("Reminder")
    REVIEW_SESSION = "review_session", _("Review session")
    TRAINING = "training", _("Training")
    DISCIPLINARY_REFERRAL = "disciplinary_referral", _("Referral for disciplinary action")
    PROCEDURE_FIX = "procedure_fix", _("Procedure fix")


class CaseDesk(models.TextChoices):
    """Who investigates: the branch (its leader or an official the leader names) or the inspection desk."""

    BRANCH = "branch", _("Branch")
    INSPECTION = "inspection", _("Inspection desk")


class FollowUpCase(models.Model):
    """The investigation a low rating opens, run by the branch leader, closed with a conclusion."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    rating = models.OneToOneField(Rating, models.PROTECT, related_name="case", verbose_name=_("rating"))
    branch = models.ForeignKey(Branch, models.PROTECT, related_name="+", verbose_name=_("branch"))
    assigned_to = models.ForeignKey(
        Official, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("investigator")
    )
    desk = models.CharField(_("investigated by"), max_length=16, choices=CaseDesk.choices, default=CaseDesk.BRANCH)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    due_date = models.DateField(_("due date"))
    findings = NFCTextField(_("findings"), blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices, blank=True)
    measure = models.CharField(_("measure"), max_length=24, choices=Measure.choices, blank=True)
    explanation_due = models.DateField(_("explanation due"), null=True, blank=True)
    action_taken = NFCTextField(_("action taken"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        indexes = [models.Index(fields=["status", "due_date"], name="case_status_due")]

    def __str__(self) -> str:
        return self.reference


class FollowUpCaseEvent(StatusEvent):
    case = models.ForeignKey(FollowUpCase, models.CASCADE, related_name="events", verbose_name=_("case"))
    from_status, to_status = status_fields(CaseStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("follow-up case event")
        verbose_name_plural = _("follow-up case events")


SCORE_COLUMNS = [f"{target}_{score}" for target in ("official", "team", "branch") for score in range(1, 6)]


class DailyRollup(models.Model):
    """Per day, branch, team and official: cleared declarations, counted ratings and their score counts.

    Declarations count on their clearance day, ratings on the day they were submitted; rejected ratings
    are not counted. The write path adds deltas; the periodic job recomputes recent days from raw rows.
    """

    day = models.DateField(_("day"))
    # No index of their own for the branch and the official: `rollup_one_row_per_key` and `rollup_official_day`
    # lead with them, and a rating's upsert opens every index of the table.
    branch = models.ForeignKey(Branch, models.CASCADE, related_name="+", verbose_name=_("branch"), db_index=False)
    team = models.ForeignKey(Team, models.CASCADE, related_name="+", verbose_name=_("working team"))
    official = models.ForeignKey(Official, models.CASCADE, related_name="+", verbose_name=_("official"), db_index=False)
    declarations = models.IntegerField(default=0)
    ratings = models.IntegerField(default=0)
    official_1 = models.IntegerField(default=0)
    official_2 = models.IntegerField(default=0)
    official_3 = models.IntegerField(default=0)
    official_4 = models.IntegerField(default=0)
    official_5 = models.IntegerField(default=0)
    team_1 = models.IntegerField(default=0)
    team_2 = models.IntegerField(default=0)
    team_3 = models.IntegerField(default=0)
    team_4 = models.IntegerField(default=0)
    team_5 = models.IntegerField(default=0)
    branch_1 = models.IntegerField(default=0)
    branch_2 = models.IntegerField(default=0)
    branch_3 = models.IntegerField(default=0)
    branch_4 = models.IntegerField(default=0)
    branch_5 = models.IntegerField(default=0)
    # Counted ratings with any score of 2 or less (across targets, so not derivable from the distributions):
    # the report's low ratings without a scan of the period's ratings.
    low = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("daily statistics")
        verbose_name_plural = _("daily statistics")
        constraints = [
            models.UniqueConstraint(fields=["branch", "day", "team", "official"], name="rollup_one_row_per_key"),
        ]
        indexes = [
            models.Index(fields=["official", "day"], name="rollup_official_day"),
            # Every branch's days in a window (the statistics page's weekly trend, the dashboard's leftover days):
            # the unique key leads with the branch, so without this a window of all branches scans the table.
            models.Index(fields=["day"], name="rollup_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.branch_id}/{self.team_id}/{self.official_id}"


# Rejected ratings by reason (`rejected_<reason>`), on their submission day: the report's rejections without a
# scan of the period's ratings. A rejected rating leaves every other counter. The database defaults of these
# and `low` let the previous release, which does not know them, still write rollup rows during a rolling deploy.
REJECTED_COLUMNS = [f"rejected_{reason}" for reason in RejectionReason.values]
for _column in REJECTED_COLUMNS:
    DailyRollup.add_to_class(_column, models.IntegerField(default=0, db_default=0))


class MonthlyRollup(models.Model):
    """The daily rollup summed by calendar month (`month` is the month's first day), per branch, team and official.

    A period of whole months (a report's month, quarter or year) reads a row per key and month instead of one per
    key and day (a year of the national set: about 44,000 daily rows). The writes that add to the daily rollup add
    the same counters here, and the rebuild recounts the months it touches from the daily rows (ratings.rollups).
    """

    month = models.DateField(_("month"))
    # The branch leads `monthly_rollup_one_row_per_key`: no index of its own (see DailyRollup).
    branch = models.ForeignKey(Branch, models.CASCADE, related_name="+", verbose_name=_("branch"), db_index=False)
    team = models.ForeignKey(Team, models.CASCADE, related_name="+", verbose_name=_("working team"))
    official = models.ForeignKey(Official, models.CASCADE, related_name="+", verbose_name=_("official"))

    class Meta:
        verbose_name = _("monthly statistics")
        verbose_name_plural = _("monthly statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "month", "team", "official"], name="monthly_rollup_one_row_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.branch_id}/{self.team_id}/{self.official_id}"


# The same counters as the daily rollup, in the same order.
for _column in ["declarations", "ratings", *SCORE_COLUMNS, "low", *REJECTED_COLUMNS]:
    MonthlyRollup.add_to_class(_column, models.IntegerField(default=0, db_default=0))


# The trust loop's records (explanations, appeals, contests, gaming flags, identity views) live apart.
from ratings.trust_models import (  # noqa: E402, F401
    AppealStatus,
    CaseAppeal,
    CaseAppealEvent,
    CaseExplanation,
    ContestStatus,
    FlagKind,
    FlagStatus,
    RaterIdentityView,
    RatingContest,
    RatingContestEvent,
    RatingFlag,
    RatingFlagEvent,
)
