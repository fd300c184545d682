"""The people of an enterprise who use the enterprise portal: users, invitations, sign-in codes, API tokens.

They are not Django staff accounts: they never reach the admin, and a staff session never acts for a company.
Imported by partnerships.models, so the app owns these tables like the rest of its registry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_feedback.text import NFCCharField
from customs_feedback.workflow import StatusEvent, status_fields


class MemberRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    DECLARANT = "declarant", _("Declarant")
    VIEWER = "viewer", _("Viewer")


class MemberStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")


class RatingInvitationMode(models.TextChoices):
    EACH = "each", _("One email per cleared declaration")
    DAILY = "daily", _("One daily digest of the day's cleared declarations")
    OFF = "off", _("No rating invitations by email")


class EnterpriseUser(models.Model):
    """A person who acts for one enterprise on the portal, with a role; one row per (enterprise, email)."""

    enterprise = models.ForeignKey(
        "partnerships.Enterprise", models.CASCADE, related_name="users", verbose_name=_("enterprise")
    )
    email = models.EmailField(_("email"))
    name = NFCCharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.VIEWER)
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    is_representative = models.BooleanField(
        _("representative contact"),
        default=False,
        help_text=_("The contact the agreement was signed with (or the one staff set); manages the users."),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="vi")
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["enterprise", "-is_representative", "email"]
        verbose_name = _("enterprise user")
        verbose_name_plural = _("enterprise users")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "email"], name="enterprise_user_one_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def may_manage(self) -> bool:
        return self.is_active and self.role == MemberRole.MANAGER

    @property
    def may_rate(self) -> bool:
        return self.is_active and self.role in (MemberRole.MANAGER, MemberRole.DECLARANT)

    may_ask = may_rate


class MemberEvent(StatusEvent):
    """A change to a company's users (invited, joined, role changed, removed) or settings: who, when, what.

    `actor` (staff) comes from StatusEvent; a change made on the portal names the company user instead.
    """

    enterprise = models.ForeignKey(
        "partnerships.Enterprise", models.CASCADE, related_name="member_events", verbose_name=_("enterprise")
    )
    member = models.ForeignKey(
        EnterpriseUser, models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("user")
    )
    subject_email = models.EmailField(_("about"), blank=True)
    actor_member = models.ForeignKey(
        EnterpriseUser, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by (company user)")
    )
    from_status, to_status = status_fields(MemberStatus)

    class Meta(StatusEvent.Meta):
        verbose_name = _("enterprise user event")
        verbose_name_plural = _("enterprise user events")

    def __str__(self) -> str:
        return f"{self.subject_email}: {self.note}"


class MemberInvitation(models.Model):
    """An emailed, single-use link that lets a person join a company's users with a role."""

    member = models.OneToOneField(EnterpriseUser, models.CASCADE, related_name="invitation", verbose_name=_("user"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        EnterpriseUser, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise user invitation")
        verbose_name_plural = _("enterprise user invitations")

    def __str__(self) -> str:
        return self.member.email


class SignInCode(models.Model):
    """A six-digit code emailed to a company user; only its keyed hash is kept, it dies after 5 wrong tries."""

    member = models.ForeignKey(EnterpriseUser, models.CASCADE, related_name="sign_in_codes")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "created_at"], name="signin_code_member_created")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.created_at:%Y-%m-%d %H:%M}"


class MemberToken(models.Model):
    """A Bearer token of the enterprise API (`Authorization: Bearer <key>`); only its hash is kept."""

    member = models.ForeignKey(EnterpriseUser, models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.member_id} until {self.expires_at:%Y-%m-%d %H:%M}"
