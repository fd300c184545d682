"""MoUs signed with the enterprise's own digital certificate (chữ ký số): the prefilled PDF it downloads,
and the signed file it uploads, which needs no email round trip."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customs_feedback.text import nfc
from customs_feedback.validators import normalize_tax_code
from customs_feedback.workflow import record_event
from partnerships.models import (
    Agreement,
    AgreementSource,
    AgreementStatus,
    AgreementTemplate,
    SignatureMethod,
)
from partnerships.services import absolute_url, enterprise_ready_to_sign, new_reference, template_current
from partnerships.signatures.identity import enterprise_trust_roots
from partnerships.signatures.validation import UnreadablePdf, Verdict, check_signature, tax_codes_of

DATA_ATTACHMENT = "agreement-data.json"
# Fixed dates on the embedded data keep the rendering byte-for-byte reproducible.
FIXED_MOMENT = datetime(2020, 1, 1, tzinfo=UTC)
PREFILLED_FIELDS = ("tax_code", "company_name", "address", "representative_name", "representative_title", "phone")


def prefill_data(*, language: str = "vi", **fields: str) -> dict:
    """Check and normalise what the enterprise typed into the download form."""
    data = {name: nfc((fields.get(name) or "").strip()) for name in PREFILLED_FIELDS}
    errors: dict[str, list[str]] = {}
    try:
        data["tax_code"] = normalize_tax_code(data["tax_code"])
    except ValidationError as error:
        errors["tax_code"] = error.messages
    if not data["company_name"]:
        errors["company_name"] = [_("Please enter the name of the enterprise.")]
    if errors:
        raise ValidationError(errors)
    data["language"] = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    return data


def agreement_pdf_render(*, data: dict, template: AgreementTemplate) -> bytes:
    """The agreement to sign, prefilled with `data`, which also rides along as an embedded JSON file."""
    from weasyprint import HTML, Attachment

    payload = {**data, "template_version": template.version, "template_sha256": template.sha256}
    with translation.override(data["language"]):
        html = render_to_string(
            "partnerships/agreement_to_sign.html",
            {
                "data": data,
                "language": data["language"],
                "template": template,
                "title": template.title(data["language"]),
                "body": template.body(data["language"]),
                "department_name": settings.DEPARTMENT_NAME,
                "upload_url": absolute_url(reverse("partnerships:digital")),
            },
        )
    attachment = Attachment(
        string=json.dumps(payload, sort_keys=True, ensure_ascii=False),
        name=DATA_ATTACHMENT,
        created=FIXED_MOMENT,
        modified=FIXED_MOMENT,
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(attachments=[attachment])


def prefilled_agreement_pdf(**fields: str) -> bytes:
    """The current agreement text, prefilled for the enterprise to sign with its own certificate."""
    return agreement_pdf_render(data=prefill_data(**fields), template=template_current())


def _not_our_agreement() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _(
                    "This file is not the agreement downloaded from this portal, or it was changed before signing. "
                    "Please download the agreement again, sign it without changing it and upload the signed file."
                )
            ]
        }
    )


def _embedded_data(pdf: bytes) -> dict:
    from pyhanko.pdf_utils.reader import PdfFileReader  # imported where used: pyHanko is slow to load

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for index in range(0, len(names), 2):
            if str(names[index]) == DATA_ATTACHMENT:
                return json.loads(names[index + 1]["/EF"]["/F"].data)
    except Exception as error:  # whatever the parser trips on, the file is not the one we made
        raise _not_our_agreement() from error
    raise _not_our_agreement()


def _signature_refusal(verdict: Verdict, problem: str, valid_until: datetime | None) -> str:
    if verdict == Verdict.ABSENT:
        return _(
            "The file carries no digital signature. Please sign it with your enterprise's digital signature "
            "certificate and upload the signed file."
        )
    if verdict == Verdict.MODIFIED:
        return _("The file was changed after it was signed, so the signature no longer matches its content.")
    if problem == "expired":
        return _(
            "The signing certificate had expired (valid until %(date)s). Please sign with a valid certificate."
        ) % {"date": timezone.localtime(valid_until).strftime("%d/%m/%Y") if valid_until else "?"}
    if problem == "revoked":
        return _("The signing certificate has been revoked by its certification authority.")
    return _(
        "The signing certificate was not issued by a certification authority the department trusts "
        "(a licensed digital signature provider)."
    )


def _checked_signed_agreement(pdf: bytes, signed_in_tax_code: str | None):
    """The embedded data, template, signature check and tax code of an uploaded signed agreement, once it
    is shown to be our current text, validly signed with the certificate of the enterprise it names."""
    data = _embedded_data(pdf)
    template = AgreementTemplate.objects.filter(version=data.get("template_version")).first()
    if template is None or not pdf.startswith(agreement_pdf_render(data=prefill_data(**data), template=template)):
        raise _not_our_agreement()
    if not template.is_current:
        raise ValidationError(
            {"file": [_("A newer text of the agreement has been published. Please download it again and sign it.")]}
        )
    trust_roots = enterprise_trust_roots()
    if not trust_roots:
        raise ValidationError(
            {
                "file": [
                    _(
                        "The department does not accept digitally signed agreements yet. "
                        "Please sign the agreement on the portal instead."
                    )
                ]
            }
        )
    try:
        check = check_signature(pdf, trust_roots=trust_roots, fetch_revocation=True)
    except UnreadablePdf:
        raise ValidationError({"file": [_("This PDF cannot be read; it may be damaged.")]}) from None
    if check.verdict != Verdict.VALID:
        valid_until = check.signing_certificate.not_valid_after_utc if check.signing_certificate else None
        raise ValidationError({"file": [_signature_refusal(check.verdict, check.problem, valid_until)]})
    tax_code = normalize_tax_code(data["tax_code"])
    certificate_codes = tax_codes_of(check.signing_certificate)
    if tax_code not in certificate_codes:
        raise ValidationError(
            {
                "file": [
                    _(
                        "The signing certificate belongs to tax code %(certificate)s, not to %(agreement)s, "
                        "the enterprise named in the agreement. Please sign with your enterprise's own certificate."
                    )
                    % {"certificate": ", ".join(sorted(certificate_codes)) or "?", "agreement": tax_code}
                ]
            }
        )
    if signed_in_tax_code is not None and normalize_tax_code(signed_in_tax_code) != tax_code:
        raise ValidationError({"file": [_("This agreement names another enterprise than the one you signed in for.")]})
    return data, template, check, tax_code


@transaction.atomic
def agreement_sign_digital(
    *,
    pdf: bytes,
    email: str,
    language: str = "",
    signed_in_tax_code: str | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Agreement:
    """Accept the agreement the enterprise signed with its certificate: it goes straight to review."""
    data, template, check, tax_code = _checked_signed_agreement(pdf, signed_in_tax_code)
    if not (email or "").strip():
        raise ValidationError({"email": [_("Please enter the email address where we send the certificate.")]})
    language = language if language in dict(settings.LANGUAGES) else data["language"]
    fields = {name: data[name] for name in PREFILLED_FIELDS if name != "tax_code"}
    registry = {name: value for name, value in fields.items() if name != "company_name"}
    enterprise = enterprise_ready_to_sign(
        tax_code=tax_code,
        defaults={"name_vi": fields["company_name"], **registry, "email": email.strip(), "language": language},
    )
    agreement = Agreement(
        reference=new_reference(),
        enterprise=enterprise,
        status=AgreementStatus.PENDING_REVIEW,
        source=AgreementSource.PORTAL,
        signature_method=SignatureMethod.DIGITAL,
        language=language,
        email=email.strip(),
        template=template,
        template_version=template.version,
        template_sha256=template.sha256,
        signed_at=check.signed_at or timezone.now(),
        signed_ip=ip or None,
        signed_user_agent=(user_agent or "")[:500],
        signer_certificate=check.signing_certificate.subject.rfc4514_string()[:500],
        **fields,
    )
    agreement.signed_document.save(f"{agreement.reference}-signed.pdf", ContentFile(pdf), save=False)
    agreement.save()
    record_event(agreement, to_status=agreement.status, note="signed with the enterprise's digital certificate")
    return agreement
