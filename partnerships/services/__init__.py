"""Writes of the partnerships app, one module per concern; every public name is re-exported here so callers
import from `partnerships.services` and never depend on the module layout."""

from partnerships.links import absolute_url, verify_url
from partnerships.models import Agreement
from partnerships.services.decisions import (
    agreement_countersign,
    agreement_reinstate,
    agreement_reject,
    agreement_suspend,
    agreement_terminate,
)
from partnerships.services.registry import (
    REFERENCE_ALPHABET,
    STATUS_LABELS,
    enterprise_get_or_create,
    new_reference,
    template_current,
    template_publish,
    token_hash,
)
from partnerships.services.signing import (
    SignedAgreement,
    agreement_confirm,
    agreement_for_token,
    agreement_sign,
    agreements_expire_unconfirmed,
    enterprise_ready_to_sign,
)

__all__ = [
    "Agreement",
    "REFERENCE_ALPHABET",
    "STATUS_LABELS",
    "SignedAgreement",
    "absolute_url",
    "agreement_confirm",
    "agreement_countersign",
    "agreement_for_token",
    "agreement_reinstate",
    "agreement_reject",
    "agreement_sign",
    "agreement_suspend",
    "agreement_terminate",
    "agreements_expire_unconfirmed",
    "enterprise_get_or_create",
    "enterprise_ready_to_sign",
    "new_reference",
    "template_current",
    "template_publish",
    "token_hash",
    "verify_url",
]
