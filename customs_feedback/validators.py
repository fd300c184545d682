"""Identifiers shared by every app: tax codes (MST) and declaration numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.vn import mst

DECLARATION_NUMBER = re.compile(r"^\d{12}$")


def normalize_tax_code(value: str) -> str:
    """Validate a Vietnamese tax code and return it as stored: '0100233488' or '0100233488-001'."""
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


def validate_declaration_number(value: str) -> None:
    if not DECLARATION_NUMBER.match(value or ""):
        raise ValidationError(_("A customs declaration number has exactly 12 digits."), code="declaration_number")
