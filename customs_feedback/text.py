"""Vietnamese text is stored NFC-normalised, whatever form the keyboard or browser sent."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models


def nfc(value: Any) -> Any:
    """Return strings in Unicode NFC; anything else unchanged."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def strip_accents(value: str) -> str:
    """Fold Vietnamese to plain ASCII letters for accent-insensitive search ("thủ tục" -> "thu tuc")."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# A cell starting with one of these is a formula to a spreadsheet: neutralise it (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _NFCMixin:
    """Normalise on save (the instance sees the stored value) and in lookups (queries match)."""

    def pre_save(self, model_instance, add):
        value = nfc(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return nfc(super().get_prep_value(value))

    def to_python(self, value):
        return nfc(super().to_python(value))


class NFCCharField(_NFCMixin, models.CharField):
    pass


class NFCTextField(_NFCMixin, models.TextField):
    pass
