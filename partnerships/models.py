from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customs_feedback.text import NFCCharField
from customs_feedback.validators import validate_tax_code


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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["tax_code"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return f"{self.tax_code} – {self.name_vi or self.name_en or '?'}"
