import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_feedback.organization.models import Branch
from customs_feedback.text import NFCCharField, NFCTextField
from customs_feedback.validators import validate_tax_code
from customs_feedback.workflow import StatusEvent, status_fields
from partnerships.member_models import (  # noqa: F401 (the app's models, registered on import)
    EnterpriseUser,
    MemberEvent,
    MemberInvitation,
    MemberRole,
    MemberStatus,
    MemberToken,
    RatingInvitationMode,
    SignInCode,
)


class Enterprise(models.Model):
    """A business known to the department by its tax code (MST): partner, rater, inquirer."""

    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        unique=True,
        validators=[validate_tax_code],
        help_text=_("10 digits, or 13 for a branch: 0100233488 or 0100233488-001."),
    )
    name_vi = NFCCharField(_("name (Vietnamese)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    address = NFCCharField(_("address"), max_length=500, blank=True)
    representative_name = NFCCharField(_("legal representative"), max_length=200, blank=True)
    representative_title = NFCCharField(_("representative's title"), max_length=200, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    rating_invitations = models.CharField(
        _("rating invitations"), max_length=8, choices=RatingInvitationMode.choices, default=RatingInvitationMode.EACH
    )
    branch = models.ForeignKey(
        Branch,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("branch of registration"),
        help_text=_("The customs branch where the enterprise mainly clears its goods."),
        db_index=False,  # indexed with the key (Meta.indexes, `enterprise_branch`)
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["tax_code"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            # A branch's enterprises as keys from the index alone (the report joins a branch's agreements to them).
            models.Index(fields=["branch", "id"], name="enterprise_branch"),
        ]

    def __str__(self) -> str:
        return f"{self.tax_code} – {self.name_vi or self.name_en or '?'}"


class AgreementTemplate(models.Model):
    """One version of the agreement text (the commitments of both sides), in Vietnamese and English."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title_vi = NFCCharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    body_vi = NFCTextField(_("text (Vietnamese)"))
    body_en = models.TextField(_("text (English)"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, editable=False)
    is_current = models.BooleanField(_("current version"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_agreement_template"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} – {self.title_vi}"

    def compute_sha256(self) -> str:
        """The hash of exactly what a signer reads: both languages, titles and texts, in a fixed layout."""
        canonical = "\n\x1e\n".join([str(self.version), self.title_vi, self.body_vi, self.title_en, self.body_en])
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_vi

    def body(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_vi


class AgreementStatus(models.TextChoices):
    PENDING_EMAIL = "pending_email", _("Waiting for email confirmation")
    PENDING_REVIEW = "pending_review", _("Waiting for review")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired (not confirmed)")


# "In force" means one thing: status ACTIVE (the verification page, the certificate, the public figures).
# An enterprise *holds* at most one agreement in force or suspended: a suspended one still blocks a new
# signing until it is reinstated or terminated.
IN_FORCE_STATUS = AgreementStatus.ACTIVE
LIVE_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED)
# What the enterprise declares about itself on an agreement, besides its tax code and language (forms, imports,
# the admin).
SIGNED_DETAILS = ("company_name", "address", "representative_name", "representative_title", "email", "phone")


class AgreementSource(models.TextChoices):
    PORTAL = "portal", _("Signed on the portal")
    IMPORT = "import", _("Imported (historical signing)")


class SignatureMethod(models.TextChoices):
    EMAIL = "email", _("Signed on the portal, confirmed by email")
    DIGITAL = "digital", _("Digitally signed with the enterprise's certificate")


class Agreement(models.Model):
    """A Customs–Business partnership agreement (MoU) of one enterprise, from signing to its end."""

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise,
        models.PROTECT,
        related_name="agreements",
        verbose_name=_("enterprise"),
        db_index=False,  # indexed with the period's bounds (Meta.indexes, `agreement_enterprise`)
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.PENDING_EMAIL
    )
    source = models.CharField(_("source"), max_length=10, choices=AgreementSource.choices, default="portal")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="vi")
    # What the enterprise declared when signing (the registry may be corrected later; this is not).
    company_name = NFCCharField(_("company name"), max_length=300)
    address = NFCCharField(_("address"), max_length=500, blank=True)
    representative_name = NFCCharField(_("legal representative"), max_length=200, blank=True)
    representative_title = NFCCharField(_("representative's title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The evidence of the signature.
    template = models.ForeignKey(
        AgreementTemplate,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("template"),
    )
    template_version = models.PositiveIntegerField(_("template version"), null=True, blank=True)
    template_sha256 = models.CharField(_("template SHA-256"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    signed_ip = models.GenericIPAddressField(_("signed from IP"), null=True, blank=True)
    signed_user_agent = models.CharField(_("browser (user agent)"), max_length=500, blank=True)
    # The single-use email confirmation link: only its hash is kept.
    confirm_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    confirm_expires_at = models.DateTimeField(_("confirmation link expires"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    # The department's side.
    number = models.PositiveIntegerField(_("agreement number"), unique=True, null=True, blank=True)
    # Indexed with the end and the enterprise (Meta.indexes, `agreement_activated`).
    activated_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("countersigned by"),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    reason = NFCTextField(_("reason of the last decision"), blank=True)
    certificate = models.FileField(_("certificate (PDF)"), upload_to="certificates/", blank=True)
    certificate_sha256 = models.CharField(_("certificate SHA-256"), max_length=64, blank=True)
    # SHA-256 of the department certificate that sealed the PDF; empty when it is not sealed.
    certificate_seal_fingerprint = models.CharField(_("sealed with certificate (SHA-256)"), max_length=64, blank=True)
    signature_method = models.CharField(
        _("signature"), max_length=10, choices=SignatureMethod.choices, default=SignatureMethod.EMAIL
    )
    # The agreement PDF as the enterprise signed it with its digital certificate, kept as uploaded.
    signed_document = models.FileField(
        _("digitally signed agreement (PDF)"), upload_to="signed-agreements/", blank=True
    )
    signer_certificate = models.CharField(_("enterprise's signing certificate"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        permissions = [("decide_agreement", _("Can countersign, reject, suspend and terminate agreements"))]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status__in=["active", "suspended"]),
                name="one_active_agreement_per_enterprise",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["active", "suspended", "terminated"]) | models.Q(number__isnull=False),
                name="agreement_in_force_has_a_number",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "confirm_expires_at"], name="agreement_status_expiry"),
            # The changelist's default order (the admin adds -pk): its first page without sorting every agreement.
            models.Index(fields=["-signed_at", "-id"], name="agreement_signed"),
            # "In force at the end of the period" (the report) matches nearly every agreement: counted from this
            # index alone, with a branch's enterprises joined by key, not from every agreement's wide row
            # (20,000 agreements: 17 -> 5 ms, one branch 26 -> 9 ms).
            models.Index(fields=["activated_at"], include=["ended_at", "enterprise"], name="agreement_activated"),
            # The key to the enterprise (its agreements, the foreign key's checks) with the bounds of the time in
            # force: "in force at the end of the period" for a branch is a merge of the branch's enterprise keys
            # (`enterprise_branch`) with this index alone, for the department one pass over it (20,000
            # agreements: a branch 6.1 -> 1.5 ms, the department 4.9 -> 1.1 ms; the planner read every wide row
            # rather than `agreement_activated`, whose order the count does not use).
            models.Index(fields=["enterprise"], include=["activated_at", "ended_at"], name="agreement_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.reference} – {self.company_name}"

    @property
    def is_digitally_signed(self) -> bool:
        return self.signature_method == SignatureMethod.DIGITAL


class AgreementEvent(StatusEvent):
    """One change of an agreement's status: who, when, from, to, why."""

    agreement = models.ForeignKey(Agreement, models.CASCADE, related_name="events", verbose_name=_("agreement"))
    from_status, to_status = status_fields(AgreementStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")


class AgreementNumberSequence(models.Model):
    """The last agreement number handed out; locked while the next one is taken, so numbers never repeat."""

    name = models.CharField(max_length=32, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agreement number sequence")
        verbose_name_plural = _("agreement number sequences")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


class AgreementTextAcceptance(models.Model):
    """A partner accepted a newer version of the agreement text than the one it signed."""

    agreement = models.ForeignKey(
        Agreement, models.CASCADE, related_name="text_acceptances", verbose_name=_("agreement")
    )
    template = models.ForeignKey(
        AgreementTemplate, models.PROTECT, related_name="acceptances", verbose_name=_("agreement text")
    )
    accepted_at = models.DateTimeField(_("accepted at"))
    ip = models.GenericIPAddressField(_("from IP"), null=True, blank=True)
    user_agent = models.CharField(_("browser (user agent)"), max_length=500, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("acceptance of a new agreement text")
        verbose_name_plural = _("acceptances of new agreement texts")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "template"], name="one_acceptance_per_agreement_text"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} – v{self.template.version}"
