"""Identifiers shared by every app: tax codes (MST) and declaration numbers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.vn import mst

# [0-9], not \d: \d also matches full-width and Arabic-Indic digits, which no other system would find.
DECLARATION_NUMBER = re.compile(r"^[0-9]{12}$")
# Clocks of the feeding systems drift a little; a moment further ahead than this has not happened yet.
CLOCK_SKEW = timedelta(minutes=5)


def normalize_tax_code(value: str) -> str:
    """Validate a Vietnamese tax code and return it as stored: '0100233488' or '0100233488-001'."""
    if not (value or "").isascii():  # stdnum would quietly read full-width digits as 0-9
        raise ValidationError(ASCII_DIGITS_MESSAGE, code="tax_code_digits")
    try:
        return mst.format(mst.validate(value or ""))
    except InvalidLength as error:
        raise ValidationError(
            _("A tax code has 10 digits, or 13 digits for a branch (for example 0100233488-001)."),
            code="tax_code_length",
        ) from error
    except InvalidChecksum as error:
        raise ValidationError(
            _("This tax code is not valid: its check digit does not match. Please check it."),
            code="tax_code_checksum",
        ) from error
    except StdnumValidationError as error:
        raise ValidationError(_("This tax code is not valid."), code="tax_code_invalid") from error


def validate_tax_code(value: str) -> None:
    normalize_tax_code(value)


ASCII_DIGITS_MESSAGE = _("Use the digits 0–9 (not full-width or other scripts' digits).")


def validate_declaration_number(value: str) -> None:
    if not DECLARATION_NUMBER.match(value or ""):
        raise ValidationError(_("A customs declaration number has exactly 12 digits."), code="declaration_number")


def validate_not_future(moment: datetime) -> None:
    """A moment that must already have happened (a clearance, a registration, a signing)."""
    if moment > timezone.now() + CLOCK_SKEW:
        raise ValidationError(_("This time is in the future; give the time it actually happened."), code="future")
