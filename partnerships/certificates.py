"""The signed certificate: a PDF in the agreement's language, with a QR code to the verification page."""

from __future__ import annotations

import base64
import io

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from partnerships.links import verify_url
from partnerships.models import Agreement


def qr_code_data_uri(url: str) -> str:
    image = qrcode.make(url, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def certificate_render(agreement: Agreement) -> bytes:
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
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
