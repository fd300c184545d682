"""Writes of the inquiries app, one module per concern; every public name is re-exported here so callers
import from `complaints.services` and never depend on the module layout."""

from complaints.services.faq import anonymise, faq_entry_save, faq_publish, faq_search_text
from complaints.services.jobs import inquiries_close_quiet, inquiries_remind_overdue
from complaints.services.staff import (
    TEMPLATE_PLACEHOLDER,
    inquiry_answer,
    inquiry_assign,
    inquiry_note_add,
    inquiry_reply,
    inquiry_resolve,
    unit_name,
)
from complaints.services.submission import (
    attachments_validate,
    inquiry_submit,
)
from complaints.services.tracking import (
    TRACKING_ALPHABET,
    TRACKING_CODE,
    TRACKING_PREFIX,
    admin_url,
    tracking_code_new,
    tracking_code_normalize,
    tracking_token,
    tracking_token_valid,
    tracking_url,
)
from customs_feedback.exceptions import PermissionDenied  # raised by interfaces as services.PermissionDenied

__all__ = [
    "PermissionDenied",
    "TEMPLATE_PLACEHOLDER",
    "TRACKING_ALPHABET",
    "TRACKING_CODE",
    "TRACKING_PREFIX",
    "admin_url",
    "anonymise",
    "attachments_validate",
    "faq_entry_save",
    "faq_publish",
    "faq_search_text",
    "inquiries_close_quiet",
    "inquiries_remind_overdue",
    "inquiry_answer",
    "inquiry_assign",
    "inquiry_note_add",
    "inquiry_reply",
    "inquiry_resolve",
    "inquiry_submit",
    "tracking_code_new",
    "tracking_code_normalize",
    "tracking_token",
    "tracking_token_valid",
    "tracking_url",
    "unit_name",
]
