"""Rules every app shares: NFC text, tax codes, declaration numbers, working-day deadlines."""

import unicodedata
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from customs_feedback.organization.models import Branch
from customs_feedback.text import strip_accents
from customs_feedback.validators import normalize_tax_code, validate_declaration_number
from customs_feedback.workdays import add_working_days, is_working_day, working_days_between

DECOMPOSED = unicodedata.normalize("NFD", "Chi cục Hải quan Đình Vũ")


@pytest.mark.django_db
def test_vietnamese_text_is_stored_nfc_normalised_and_found_in_either_form():
    assert unicodedata.normalize("NFC", DECOMPOSED) != DECOMPOSED

    branch = Branch.objects.create(code="03ZZ", name_vi=DECOMPOSED)

    assert branch.name_vi == "Chi cục Hải quan Đình Vũ"
    assert Branch.objects.get(pk=branch.pk).name_vi == "Chi cục Hải quan Đình Vũ"
    assert Branch.objects.filter(name_vi=DECOMPOSED).get() == branch


def test_accent_folding_for_search():
    assert strip_accents("Thủ tục hải quan ĐIỆN TỬ") == "Thu tuc hai quan DIEN TU"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("0100233488", "0100233488"), (" 0100233488-001 ", "0100233488-001"), ("0100233488001", "0100233488-001")],
)
def test_valid_tax_codes_are_normalised(raw, stored):
    assert normalize_tax_code(raw) == stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("0100233480", "tax_code_checksum"),
        ("12345", "tax_code_length"),
        ("01002334AB", "tax_code_invalid"),
        ("", "tax_code_length"),
    ],
)
def test_invalid_tax_codes_are_refused_with_a_clear_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        normalize_tax_code(raw)

    assert error.value.code == code


@pytest.mark.parametrize("number", ["10234567890", "1023456789012", "10234567890a", ""])
def test_declaration_numbers_have_exactly_twelve_digits(number):
    with pytest.raises(ValidationError):
        validate_declaration_number(number)
    validate_declaration_number("102345678901")


@pytest.mark.django_db  # the department's calendar overrides are read from the database
def test_working_days_skip_weekends():
    friday = date(2026, 11, 20)

    assert add_working_days(friday, 1) == date(2026, 11, 23)


@pytest.mark.django_db  # the department's calendar overrides are read from the database
def test_working_days_skip_tet():
    # Tết Bính Ngọ: Monday 16 to Friday 20 February 2026 are public holidays.
    friday_before_tet = date(2026, 2, 13)

    assert not is_working_day(date(2026, 2, 17))
    assert add_working_days(friday_before_tet, 1) == date(2026, 2, 23)
    assert add_working_days(friday_before_tet, 5) == date(2026, 2, 27)


@pytest.mark.django_db  # the department's calendar overrides are read from the database
def test_working_days_skip_reunification_and_labour_day():
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


@pytest.mark.django_db  # the department's calendar overrides are read from the database
def test_working_days_between_counts_both_ways():
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
