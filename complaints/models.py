from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from customs_feedback.organization.models import Branch, Official
from customs_feedback.text import NFCCharField, NFCTextField
from customs_feedback.workflow import StatusEvent, status_fields


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    DUPLICATE = "duplicate", _("Duplicate")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


OPEN_STATUSES = (InquiryStatus.NEW, InquiryStatus.ASSIGNED)


class InquiryCategory(models.Model):
    """A kind of question, with the number of working days the department has to answer it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_vi = NFCCharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (working days)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("inquiry category")
        verbose_name_plural = _("inquiry categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi


class Inquiry(models.Model):
    """A problem or question (vướng mắc) sent by a person or business through the portal."""

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    name = NFCCharField(_("submitter name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    tax_code = models.CharField(
        _("tax code"), max_length=14, blank=True, db_index=True, help_text=_("Normalised; links the enterprise.")
    )
    category = models.ForeignKey(InquiryCategory, models.PROTECT, related_name="inquiries", verbose_name=_("category"))
    subject = NFCCharField(_("subject"), max_length=200)
    body = NFCTextField(_("question"))
    declaration_number = models.CharField(_("declaration number"), max_length=12, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    status = models.CharField(
        _("status"), max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.NEW, db_index=True
    )
    branch = models.ForeignKey(
        Branch, models.PROTECT, null=True, blank=True, related_name="inquiries", verbose_name=_("assigned branch")
    )
    assignee = models.ForeignKey(
        Official, models.PROTECT, null=True, blank=True, related_name="inquiries", verbose_name=_("assigned official")
    )
    due_date = models.DateField(_("due date"), db_index=True)
    answer = NFCTextField(_("answer"), blank=True)
    answer_unit = NFCCharField(_("answered by unit"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    resolution_reason = NFCTextField(_("reason (duplicate or out of scope)"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("duplicate of")
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    submitted_ip = models.GenericIPAddressField(_("submitted from"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        permissions = [
            ("assign_inquiry", _("Can assign inquiries")),
            ("answer_inquiry", _("Can answer inquiries")),
            ("resolve_inquiry", _("Can mark inquiries duplicate or out of scope")),
            ("view_inquiry_statistics", _("Can view inquiry statistics")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(declaration_number="") | models.Q(declaration_number__regex=r"^[0-9]{12}$"),
                name="inquiry_declaration_number_12_digits",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
                name="inquiry_answered_has_answer_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="inquiry_status_due"),
            # The report's "still unanswered after the due date", per category, for the inquiries of a period: the
            # period's open backlog read from this index alone, where the submission-time index read every inquiry
            # of the period (a year of the national set: 50,000 rows for 5,000 open ones, 14–26 ms).
            models.Index(
                fields=["submitted_at"],
                include=["category", "due_date", "branch", "id"],  # scoped to a branch too
                condition=models.Q(status__in=OPEN_STATUSES, first_answered_at__isnull=True),
                name="inquiry_open_unanswered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} – {self.subject}"


class InquiryMessage(models.Model):
    """The public conversation: the staff's answers and the submitter's replies."""

    class Author(models.TextChoices):
        SUBMITTER = "submitter", _("Submitter")
        STAFF = "staff", _("Customs")

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="messages", verbose_name=_("inquiry"))
    author = models.CharField(_("from"), max_length=10, choices=Author.choices)
    unit_name = NFCCharField(_("unit"), max_length=200, blank=True)
    text = NFCTextField(_("text"))
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("staff")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("conversation")

    def __str__(self) -> str:
        return f"{self.inquiry_id} {self.author} {self.created_at:%Y-%m-%d}"


def attachment_path(instance, filename: str) -> str:
    # The stored name carries no part of the submitter's file name.
    import secrets

    return f"private/inquiries/{instance.inquiry.submitted_at:%Y/%m}/{secrets.token_hex(16)}"


class InquiryAttachment(models.Model):
    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="attachments", verbose_name=_("inquiry"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = NFCCharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class InquiryNote(models.Model):
    """An internal note between staff; the submitter never sees it."""

    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="notes", verbose_name=_("inquiry"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = NFCTextField(_("note"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.inquiry_id} {self.created_at:%Y-%m-%d}"


class InquiryEvent(StatusEvent):
    inquiry = models.ForeignKey(Inquiry, models.CASCADE, related_name="events", verbose_name=_("inquiry"))
    from_status, to_status = status_fields(InquiryStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status history")


class AnswerTemplate(models.Model):
    """Reusable answer text staff start from."""

    title = NFCCharField(pgettext_lazy("answer template", "title"), max_length=200)
    category = models.ForeignKey(
        InquiryCategory, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    text = NFCTextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return self.title


class FaqEntry(models.Model):
    """A published question and answer, edited and anonymised from an answered inquiry."""

    category = models.ForeignKey(InquiryCategory, models.PROTECT, related_name="faq", verbose_name=_("category"))
    question = NFCTextField(_("question"))
    answer = NFCTextField(_("answer"))
    source = models.ForeignKey(
        Inquiry, models.SET_NULL, null=True, blank=True, related_name="faq_entries", verbose_name=_("from inquiry")
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Accent-folded, lower-case question and answer: "thu tuc" finds "thủ tục" on any database.
    search_text = models.TextField(editable=False, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ")

    def __str__(self) -> str:
        return self.question[:80]


class InquiryRollup(models.Model):
    """Per month of submission, category and assigned branch: the counters every inquiry figure is summed from.

    Kept in the same transaction as each change that moves an inquiry between counters (submission,
    assignment, answer, reply, resolution: `complaints.rollup`), and rebuilt from the inquiries by
    `inquiry_rollup_rebuild`. An inquiry counts in the month it was submitted (Vietnam time), under its current
    category and branch; `received` leaves out duplicates and out-of-scope ones, which count in `set_aside`.
    """

    month = models.DateField(_("month"))  # its first day
    category = models.ForeignKey(InquiryCategory, models.CASCADE, related_name="+", verbose_name=_("category"))
    branch = models.ForeignKey(
        Branch, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("assigned branch")
    )
    received = models.IntegerField(default=0)
    set_aside = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly inquiry figures")
        verbose_name_plural = _("monthly inquiry figures")
        constraints = [
            # One row per key, "not assigned" (NULL) included: the upsert's conflict target.
            models.UniqueConstraint(
                models.F("month"),
                models.F("category"),
                Coalesce(models.F("branch"), models.Value(0)),
                name="inquiry_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category_id} {self.branch_id or '-'}"


# The histogram of times to first answer kept with the counters, from which the statistics page reads an
# approximate median: `answered_<h>h` counts the answered inquiries whose first answer came at least <h> hours
# and less than the next edge's hours after submission (the last bucket is open). Steps of 1–6 hours within a
# day, 6–24 hours up to a week, 2–10 days beyond: the page shows the step the median lies in.
# The database default (db_default) lets the previous release, which does not know these columns, still
# write rollup rows while a rolling deploy runs both.
ANSWER_HOURS = (0, 1, 2, 4, 8, 12, 18, 24, 30, 36, 48, 60, 72, 96, 120, 144, 168, 192, 240, 288, 336, 480, 720)
ANSWER_BUCKETS = tuple(f"answered_{hours}h" for hours in ANSWER_HOURS)
for _name in ANSWER_BUCKETS:
    InquiryRollup.add_to_class(_name, models.IntegerField(default=0, db_default=0))
