"""The FAQ: saving entries with their search column and publishing answered inquiries."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.models import (
    FaqEntry,
    Inquiry,
)
from customs_feedback.text import nfc, strip_accents
from customs_feedback.workflow import Actor, record_note

# --- FAQ ---------------------------------------------------------------------------------------


def faq_search_text(question: str, answer: str) -> str:
    return strip_accents(f"{question}\n{answer}").lower()


@transaction.atomic
def faq_entry_save(*, entry: FaqEntry) -> FaqEntry:
    """Save an FAQ entry with its accent-folded search column."""
    entry.question, entry.answer = nfc(entry.question.strip()), nfc(entry.answer.strip())
    entry.search_text = faq_search_text(entry.question, entry.answer)
    entry.save()
    return entry


@transaction.atomic
def faq_publish(*, inquiry_id: int, question: str, answer: str, actor: Actor) -> FaqEntry:
    """Publish an answered inquiry as an edited, anonymised question and answer."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry_id)
    if inquiry.first_answered_at is None:
        raise ValidationError({"answer": _("Only an answered inquiry can become an FAQ entry.")})
    errors = {}
    if not (question or "").strip():
        errors["question"] = _("This field is required.")
    if not (answer or "").strip():
        errors["answer"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    entry = faq_entry_save(entry=FaqEntry(category=inquiry.category, question=question, answer=answer, source=inquiry))
    record_note(inquiry, actor=actor, note=_("Published as FAQ entry %(id)s.") % {"id": entry.pk})
    return entry


def anonymise(inquiry: Inquiry, text: str) -> str:
    """Blank out what identifies the submitter, as a starting point for staff's edit."""
    for secret in filter(
        None, [inquiry.name, inquiry.email, inquiry.phone, inquiry.tax_code, inquiry.declaration_number]
    ):
        text = re.sub(re.escape(secret), "…", text, flags=re.IGNORECASE)
    text = re.sub(r"[\w.+-]+@[\w-]+\.[\w.-]+", "…", text)
    return re.sub(r"\b\d{10,13}\b", "…", text)
