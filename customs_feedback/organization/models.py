from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customs_feedback.text import NFCCharField

office_code_validator = RegexValidator(
    r"^[0-9A-Z]{4}$", _("A VNACCS office code has four letters or digits, for example 03CC.")
)
staff_code_validator = RegexValidator(r"^[0-9A-Za-z._-]{1,32}$", _("Use letters, digits, dot, dash or underscore."))


class BilingualNameMixin(models.Model):
    name_vi = NFCCharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Vietnamese."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi


class Branch(BilingualNameMixin):
    """A customs branch (Chi cục), known to VNACCS by its four-character office code."""

    code = models.CharField(_("office code"), max_length=4, unique=True, validators=[office_code_validator])
    address = NFCCharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("customs branch")
        verbose_name_plural = _("customs branches")
        constraints = [
            models.CheckConstraint(condition=models.Q(code=Upper("code")), name="branch_code_upper_case"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Team(BilingualNameMixin):
    """A working team (Đội công tác) of a branch."""

    branch = models.ForeignKey(Branch, models.PROTECT, related_name="teams", verbose_name=_("branch"))
    code = models.CharField(_("team code"), max_length=32, validators=[staff_code_validator])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["branch__code", "code"]
        verbose_name = _("working team")
        verbose_name_plural = _("working teams")
        constraints = [models.UniqueConstraint(fields=["branch", "code"], name="team_code_unique_in_branch")]

    def __str__(self) -> str:
        return f"{self.branch.code}/{self.code} – {self.name}"


class Official(models.Model):
    """A customs official (cán bộ công chức): rated on declarations; may have a staff account."""

    code = models.CharField(_("official code"), max_length=32, unique=True, validators=[staff_code_validator])
    full_name = NFCCharField(_("full name"), max_length=200)
    title = NFCCharField(_("title"), max_length=200, blank=True)
    branch = models.ForeignKey(Branch, models.PROTECT, related_name="officials", verbose_name=_("branch"))
    team = models.ForeignKey(
        Team, models.PROTECT, related_name="officials", null=True, blank=True, verbose_name=_("working team")
    )
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="official",
        verbose_name=_("staff account"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["branch__code", "full_name"]
        verbose_name = _("customs official")
        verbose_name_plural = _("customs officials")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.team_id and self.branch_id and self.team.branch_id != self.branch_id:
            raise ValidationError({"team": _("The working team must belong to the official's branch.")})
