"""Vietnamese first: every string translated, and the compiled catalogue matches the source."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po"))


def active_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def test_there_is_a_vietnamese_catalogue():
    assert ROOT / "locale/vi/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_string_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_compiled_catalogue_is_up_to_date(path):
    source = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in active_entries(polib.pofile(str(path)))}
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(path.with_suffix(".mo")))}

    assert compiled == source
