"""The agreement's transition helper, row lock and reason check shared by signing and decisions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from customs_feedback.exceptions import NotFound
from customs_feedback.text import nfc
from customs_feedback.workflow import Actor, Allowed, transition
from partnerships.models import (
    Agreement,
    AgreementEvent,
)
from partnerships.transitions import ALLOWED

# --- the lifecycle -----------------------------------------------------------------------------


def _move(
    agreement: Agreement,
    to: str,
    *,
    actor: Actor = None,
    note: str = "",
    fields: dict[str, Any] | None = None,
    message: str | None = None,
    allowed: Allowed = ALLOWED,
) -> AgreementEvent:
    """The agreement's transition (workflow.transition); returns the event row, whose id keys the notice."""
    transition(agreement, to, allowed=allowed, actor=actor, note=note, fields=fields, message=message)
    return agreement.events.latest("pk")


def _lock(agreement_id: int) -> Agreement:
    try:
        return Agreement.objects.select_for_update().select_related("enterprise").get(pk=agreement_id)
    except Agreement.DoesNotExist:
        raise NotFound(_("No such agreement.")) from None


def _require_reason(reason: str) -> str:
    reason = nfc((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": [_("Please give the reason; it is sent to the enterprise.")]})
    return reason
