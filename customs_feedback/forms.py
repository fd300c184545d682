"""Interface helpers shared by the portal views and the admin pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from customs_feedback.exceptions import DomainError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: each message on its field, or on the form as a whole
    when the form has no such field."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in by_field.items():
        form.add_error(field if field in form.fields else None, messages)


def refusal_text(error: DomainError | ValidationError) -> str:
    """One line saying why a service refused: a domain error's message, or a ValidationError's messages."""
    return error.message if isinstance(error, DomainError) else " ".join(error.messages)
