"""Agreement templates, the enterprise registry, and the references and token hashes agreements carry."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict
from customs_feedback.text import nfc
from customs_feedback.validators import normalize_tax_code
from partnerships.models import (
    AgreementStatus,
    AgreementTemplate,
    Enterprise,
)
from partnerships.text_acceptance import agreement_text_request_acceptance

STATUS_LABELS = dict(AgreementStatus.choices)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone


def new_reference() -> str:
    return "MOU-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _index in range(8))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- templates ---------------------------------------------------------------------------------


def template_current() -> AgreementTemplate:
    """The version enterprises sign now."""
    template = AgreementTemplate.objects.filter(is_current=True).first()
    if template is None:
        raise Conflict(_("No agreement text is published yet. Please try again later."))
    return template


@transaction.atomic
def template_publish(*, title_vi: str, title_en: str, body_vi: str, body_en: str) -> AgreementTemplate:
    """Publish a new version of the agreement text; it becomes the current one, and every partner is asked
    to accept it."""
    latest = AgreementTemplate.objects.select_for_update().order_by("-version").first()
    AgreementTemplate.objects.filter(is_current=True).update(is_current=False)
    template = AgreementTemplate(
        version=(latest.version + 1) if latest else 1,
        title_vi=nfc(title_vi.strip()),
        title_en=title_en.strip(),
        body_vi=nfc(body_vi.strip()),
        body_en=body_en.strip(),
        is_current=True,
    )
    template.sha256 = template.compute_sha256()
    template.save()
    agreement_text_request_acceptance(template=template)
    return template


# --- enterprises -------------------------------------------------------------------------------


def enterprise_get_or_create(*, tax_code: str, defaults: dict | None = None) -> Enterprise:
    """The registry row for a tax code (normalised), created with `defaults` when it is new."""
    enterprise, _created = Enterprise.objects.get_or_create(
        tax_code=normalize_tax_code(tax_code), defaults=defaults or {}
    )
    return enterprise
