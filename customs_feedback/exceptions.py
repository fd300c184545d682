"""Domain errors raised by services, and the one place they become HTTP answers."""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the product refused the request. Subclasses say which HTTP status fits."""

    status_code: int = HTTPStatus.BAD_REQUEST.value
    default_message: str | Promise = _("The request cannot be carried out.")

    def __init__(self, message: str | None = None) -> None:
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class Conflict(DomainError):
    status_code = HTTPStatus.CONFLICT.value
    default_message = _("This conflicts with the current state of the record.")


class InvalidTransition(Conflict):
    default_message = _("This action is not allowed in the record's current status.")


class PermissionDenied(DomainError):
    status_code = HTTPStatus.FORBIDDEN.value
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    status_code = HTTPStatus.NOT_FOUND.value
    default_message = _("Not found.")


def api_exception_handler(exc, context):
    """DRF's handler, plus domain errors ({"detail": ...}) and Django validation errors ({"field": [...]}).

    DRF is imported here, on the first error an API answers, not with this module: every model imports the
    domain errors (through customs_feedback.workflow), and DRF brought requests and urllib3 along, a tenth
    of a second in the start of every process, management commands included."""
    from rest_framework.exceptions import ValidationError as DRFValidationError
    from rest_framework.response import Response
    from rest_framework.settings import api_settings
    from rest_framework.views import exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = DRFValidationError(detail=detail)
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message}, status=exc.status_code)
    return exception_handler(exc, context)
