"""The certificate: a one-page PDF in the agreement's language with a QR code to the verification page,
sealed with the department's PAdES signature."""

from __future__ import annotations

import base64
import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnerships.links import verify_url
from partnerships.models import Agreement
from partnerships.signatures.identity import SigningIdentity, SigningUnavailable, department_identity
from partnerships.signatures.sealing import seal_pdf


def qr_code_data_uri(url: str) -> str:
    import qrcode  # imported where used: this module loads with the admin

    image = qrcode.make(url, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def certificate_render(agreement: Agreement, *, identity: SigningIdentity | None = None) -> bytes:
    """Render the certificate of an agreement in force as PDF bytes (deterministic for the same data)."""
    from weasyprint import HTML

    url = verify_url(agreement)
    with translation.override(agreement.language):
        html = render_to_string(
            "partnerships/certificate.html",
            {
                "agreement": agreement,
                "enterprise": agreement.enterprise,
                "template": agreement.template,
                "department_name": settings.DEPARTMENT_NAME,
                "activated_at": timezone.localtime(agreement.activated_at),
                "signed_at": timezone.localtime(agreement.signed_at),
                "verify_url": url,
                "qr_code": qr_code_data_uri(url),
                "seal": identity,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def certificate_issue(agreement: Agreement) -> list[str]:
    """Render and seal the certificate into the agreement's file fields; return the fields to save.

    With CERTIFICATE_SIGNING=off the certificate is rendered without a seal (and says so).
    """
    try:
        identity = department_identity()
    except SigningUnavailable:
        identity = None
    pdf = certificate_render(agreement, identity=identity)
    if identity is not None:
        with translation.override(agreement.language):
            reason = _("Certificate of partnership agreement %(reference)s") % {"reference": agreement.reference}
            pdf = seal_pdf(pdf, identity=identity, reason=reason, location=str(settings.DEPARTMENT_NAME))
    agreement.certificate_sha256 = hashlib.sha256(pdf).hexdigest()
    agreement.certificate_seal_fingerprint = identity.fingerprint if identity else ""
    agreement.certificate.save(f"{agreement.reference}.pdf", ContentFile(pdf), save=False)
    return ["certificate", "certificate_sha256", "certificate_seal_fingerprint"]


def agreements_without_seal():
    """Agreements in force (or suspended) whose certificate carries no seal: imported or issued before it."""
    from partnerships.models import LIVE_STATUSES

    return Agreement.objects.filter(status__in=LIVE_STATUSES, certificate_seal_fingerprint="").order_by("pk")


@transaction.atomic
def certificates_seal(*, agreement_ids: list[int]) -> int:
    """Issue sealed certificates for these agreements (those still without one); return how many. Safe to rerun."""
    agreements = (
        agreements_without_seal()
        .select_for_update(of=("self",))
        .select_related("enterprise", "template")
        .filter(pk__in=agreement_ids)
    )
    sealed = 0
    for agreement in agreements:
        fields = certificate_issue(agreement)
        agreement.save(update_fields=[*fields, "updated_at"])
        sealed += 1
    return sealed
