"""Public submission of an inquiry: checks, attachments, the acknowledgement notice."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints import filetypes
from complaints.categories import active_category
from complaints.models import (
    Inquiry,
    InquiryAttachment,
    InquiryCategory,
    InquiryStatus,
)
from complaints.rollup import rollup_record
from complaints.services.tracking import (
    submitter_notify,
    tracking_code_new,
)
from customs_feedback.text import nfc
from customs_feedback.validators import normalize_tax_code, validate_declaration_number
from customs_feedback.workdays import add_working_days
from customs_feedback.workflow import create_with_event

# --- submission ---------------------------------------------------------------------------------


def attachments_validate(files: Sequence[UploadedFile]) -> list[filetypes.FileType]:
    """The sniffed type of each file; a ValidationError on `attachments` for any file refused."""
    limit = settings.INQUIRY_MAX_ATTACHMENTS
    if len(files) > limit:
        raise ValidationError(
            {
                "attachments": ngettext(
                    "You can attach at most %(limit)d file.", "You can attach at most %(limit)d files.", limit
                )
                % {"limit": limit}
            }
        )
    max_bytes = settings.INQUIRY_MAX_ATTACHMENT_BYTES
    kinds, errors = [], []
    for upload in files:
        name = upload.name or "?"
        if (upload.size or 0) > max_bytes:
            errors.append(
                _("“%(name)s” is larger than %(size)d MB.") % {"name": name, "size": max_bytes // (1024 * 1024)}
            )
            continue
        if upload.size == 0:
            errors.append(_("“%(name)s” is empty.") % {"name": name})
            continue
        kind = filetypes.sniff(upload)
        if kind is None:
            errors.append(_("“%(name)s” is not a PDF, JPEG, PNG, Word (DOCX) or Excel (XLSX) file.") % {"name": name})
            continue
        kinds.append(kind)
    if errors:
        raise ValidationError({"attachments": errors})
    return kinds


_TEXT_LIMITS = (("name", 200), ("subject", 200), ("body", 20000), ("email", 254))


def _collect(errors: dict[str, list[str]], field: str, check: Callable[[], Any]) -> Any:
    """The result of `check()`, or None with its ValidationError's messages added to `errors[field]`."""
    try:
        return check()
    except ValidationError as error:
        errors.setdefault(field, []).extend(error.messages)
        return None


def _check_lengths(cleaned: dict[str, str], errors: dict[str, list[str]]) -> None:
    for field in ("name", "email", "subject", "body"):
        if not cleaned[field]:
            errors.setdefault(field, []).append(_("This field is required."))
    for field, limit in _TEXT_LIMITS:
        if len(cleaned[field]) > limit:
            errors.setdefault(field, []).append(
                _("Keep this to at most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(cleaned[field])}
            )


def _clean_submission(
    *,
    name: str,
    email: str,
    phone: str,
    tax_code: str,
    category_code: str,
    subject: str,
    body: str,
    declaration_number: str,
) -> tuple[dict, InquiryCategory | None]:
    errors: dict[str, list[str]] = {}
    cleaned = {
        "name": nfc((name or "").strip()),
        "email": (email or "").strip(),
        "phone": (phone or "").strip(),
        "subject": nfc((subject or "").strip()),
        "body": nfc((body or "").strip()),
        "tax_code": "",
        "declaration_number": (declaration_number or "").strip(),
    }
    _check_lengths(cleaned, errors)
    if cleaned["email"]:
        _collect(errors, "email", lambda: validate_email(cleaned["email"]))
    if cleaned["phone"] and not re.fullmatch(r"[0-9 +().-]{6,30}", cleaned["phone"]):
        errors.setdefault("phone", []).append(_("Enter a phone number of digits, spaces, + or -."))
    if (tax_code or "").strip():
        cleaned["tax_code"] = _collect(errors, "tax_code", lambda: normalize_tax_code(tax_code.strip())) or ""
    if cleaned["declaration_number"]:
        _collect(errors, "declaration_number", lambda: validate_declaration_number(cleaned["declaration_number"]))
    category = active_category(category_code or "")
    if category is None:
        errors.setdefault("category", []).append(_("Choose one of the listed categories."))
    if errors:
        raise ValidationError(errors)
    return cleaned, category


def inquiry_submit(
    *,
    name: str,
    email: str,
    category_code: str,
    subject: str,
    body: str,
    phone: str = "",
    tax_code: str = "",
    declaration_number: str = "",
    language: str = settings.LANGUAGE_CODE,
    attachments: Sequence[UploadedFile] = (),
    ip: str | None = None,
) -> Inquiry:
    """Record a new inquiry with its files, its working-day deadline and the acknowledgement notice."""
    cleaned, category = _clean_submission(
        name=name,
        email=email,
        phone=phone,
        tax_code=tax_code,
        category_code=category_code,
        subject=subject,
        body=body,
        declaration_number=declaration_number,
    )
    kinds = attachments_validate(list(attachments))
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    files = list(zip(attachments, kinds, strict=True))
    for attempt in range(5):
        try:
            with transaction.atomic():
                return _inquiry_create(cleaned, category, language, files, ip)
        except IntegrityError:
            if attempt == 4:  # five collisions in 6.5e11 codes: something else is wrong
                raise
    raise AssertionError("unreachable")


def _inquiry_create(cleaned, category, language, files, ip) -> Inquiry:
    now = timezone.now()
    inquiry = Inquiry(
        tracking_code=tracking_code_new(),
        category=category,
        language=language,
        due_date=add_working_days(now, category.deadline_days),
        submitted_ip=ip,
        **cleaned,
    )
    create_with_event(inquiry, to_status=InquiryStatus.NEW)
    for upload, kind in files:
        InquiryAttachment.objects.create(
            inquiry=inquiry,
            file=upload,
            original_name=nfc(upload.name or "file")[:200],
            content_type=kind.content_type,
            size=upload.size,
        )
    submitter_notify(
        inquiry,
        kind="inquiry_acknowledged",
        idempotency_key=f"inquiry-acknowledged:{inquiry.tracking_code}",
        due_date=inquiry.due_date,
    )
    rollup_record(None, inquiry)  # last: concurrent submissions share its row lock only until the commit
    return inquiry
