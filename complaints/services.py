"""Writes of the inquiries app: every status change locks the row, checks the table, writes an event."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints import filetypes
from complaints.models import (
    OPEN_STATUSES,
    FaqEntry,
    Inquiry,
    InquiryAttachment,
    InquiryCategory,
    InquiryMessage,
    InquiryNote,
    InquiryStatus,
)
from complaints.transitions import ALLOWED
from customs_feedback.exceptions import NotFound, PermissionDenied
from customs_feedback.notifications.services import notify
from customs_feedback.organization.models import Branch, Official
from customs_feedback.organization.roles import Role
from customs_feedback.organization.scoping import for_user
from customs_feedback.organization.selectors import emails_of_role, official_email
from customs_feedback.text import nfc, strip_accents
from customs_feedback.validators import normalize_tax_code, validate_declaration_number
from customs_feedback.workdays import add_working_days, working_days_between
from customs_feedback.workflow import Actor, record_event, record_note, transition

# Crockford's base32 without the letters read aloud wrongly (0/O, 1/I/L, U): 30 symbols.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PREFIX = "VM"
TRACKING_CODE = re.compile(rf"^{TRACKING_PREFIX}-[{TRACKING_ALPHABET}]{{4}}-[{TRACKING_ALPHABET}]{{4}}$")


# A line that is only "…" (or "...") is where a template expects the answer: it is never sent as is.
TEMPLATE_PLACEHOLDER = re.compile(r"^\s*(…|\.\.\.)\s*$", re.MULTILINE)


def tracking_code_new() -> str:
    """A fresh code such as VM-4K7P-9QX2: 30^8 (6.5e11) possibilities, drawn from `secrets`."""
    symbols = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
    return f"{TRACKING_PREFIX}-{symbols[:4]}-{symbols[4:]}"


_LOOKALIKES = str.maketrans("OIL", "011")


def tracking_code_normalize(value: str) -> str:
    """Accept what people type: lower case, spaces, missing dashes, O for 0 and I/L for 1."""
    raw = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if raw.startswith(TRACKING_PREFIX):
        raw = raw[len(TRACKING_PREFIX) :]
    raw = raw.translate(_LOOKALIKES)
    return f"{TRACKING_PREFIX}-{raw[:4]}-{raw[4:]}" if len(raw) == 8 else ""


def tracking_token(tracking_code: str) -> str:
    return salted_hmac("complaints.tracking", tracking_code, algorithm="sha256").hexdigest()[:32]


def tracking_token_valid(tracking_code: str, token: str) -> bool:
    return constant_time_compare(tracking_token(tracking_code), token or "")


def tracking_url(inquiry: Inquiry) -> str:
    """The private link to the tracking page (the code with a keyed token, no email in the address)."""
    path = reverse("complaints:track", args=[inquiry.tracking_code, tracking_token(inquiry.tracking_code)])
    return f"{settings.SITE_URL}{path}"


def admin_url(inquiry: Inquiry) -> str:
    return f"{settings.SITE_URL}{reverse('admin:complaints_inquiry_change', args=[inquiry.pk])}"


def _locked(inquiry_id: int) -> Inquiry:
    try:
        return Inquiry.objects.select_for_update().get(pk=inquiry_id)
    except Inquiry.DoesNotExist:
        raise NotFound(_("No such inquiry.")) from None


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
    category = InquiryCategory.objects.filter(code=category_code or "", is_active=True).first()
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
    inquiry = Inquiry.objects.create(
        tracking_code=tracking_code_new(),
        category=category,
        language=language,
        due_date=add_working_days(now, category.deadline_days),
        submitted_ip=ip,
        **cleaned,
    )
    for upload, kind in files:
        InquiryAttachment.objects.create(
            inquiry=inquiry,
            file=upload,
            original_name=nfc(upload.name or "file")[:200],
            content_type=kind.content_type,
            size=upload.size,
        )
    record_event(inquiry, to_status=InquiryStatus.NEW)
    notify(
        kind="inquiry_acknowledged",
        recipient=inquiry.email,
        language=inquiry.language,
        context={
            "name": inquiry.name,
            "tracking_code": inquiry.tracking_code,
            "subject": inquiry.subject,
            "due_date": inquiry.due_date,
            "tracking_url": tracking_url(inquiry),
        },
        idempotency_key=f"inquiry-acknowledged:{inquiry.tracking_code}",
        obj=inquiry,
    )
    return inquiry


# --- staff workflow ----------------------------------------------------------------------------


@transaction.atomic
def inquiry_assign(*, inquiry_id: int, branch_id: int, assignee_id: int | None, actor: Actor) -> Inquiry:
    """Give the inquiry to a branch (and optionally one of its officials) within the actor's scope."""
    inquiry = _locked(inquiry_id)
    branch = for_user(actor, Branch.objects.filter(pk=branch_id, is_active=True)).first()
    if branch is None:
        raise PermissionDenied(_("You cannot assign inquiries to this branch."))
    assignee = None
    if assignee_id is not None:
        assignee = Official.objects.filter(pk=assignee_id, branch=branch, is_active=True).first()
        if assignee is None:
            raise ValidationError({"assignee": _("The official must be an active member of the chosen branch.")})
    note = f"{branch.code}" + (f" / {assignee.full_name}" if assignee else "")
    return transition(
        inquiry,
        InquiryStatus.ASSIGNED,
        allowed=ALLOWED,
        actor=actor,
        note=note,
        fields={"branch": branch, "assignee": assignee},
    )


def unit_name(inquiry: Inquiry) -> str:
    """Who signs the answer: the assigned branch, or the department; never a person."""
    with translation.override(inquiry.language):
        return inquiry.branch.name if inquiry.branch is not None else str(settings.DEPARTMENT_NAME)


@transaction.atomic
def inquiry_answer(*, inquiry_id: int, text: str, actor: Actor) -> Inquiry:
    """Record the answer, signed with the unit's name, and queue the answer notice."""
    text = nfc((text or "").strip())
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    if TEMPLATE_PLACEHOLDER.search(text):
        raise ValidationError({"text": _("Replace the “…” of the template with the answer before sending it.")})
    inquiry = _locked(inquiry_id)
    now = timezone.now()
    transition(
        inquiry,
        InquiryStatus.ANSWERED,
        allowed=ALLOWED,
        actor=actor,
        fields={
            "answer": text,
            "answered_at": now,
            "answer_unit": unit_name(inquiry),
            "first_answered_at": inquiry.first_answered_at or now,
        },
    )
    message = InquiryMessage.objects.create(
        inquiry=inquiry,
        author=InquiryMessage.Author.STAFF,
        unit_name=inquiry.answer_unit,
        text=text,
        staff_user=actor,
    )
    notify(
        kind="inquiry_answered",
        recipient=inquiry.email,
        language=inquiry.language,
        context={
            "name": inquiry.name,
            "tracking_code": inquiry.tracking_code,
            "subject": inquiry.subject,
            "answer": text,
            "unit_name": inquiry.answer_unit,
            "tracking_url": tracking_url(inquiry),
        },
        idempotency_key=f"inquiry-answered:{inquiry.pk}:{message.pk}",
        obj=inquiry,
    )
    return inquiry


@transaction.atomic
def inquiry_reply(*, inquiry_id: int, text: str) -> Inquiry:
    """The submitter adds to the conversation; after an answer this reopens it and restarts the clock."""
    text = nfc((text or "").strip())
    if not text:
        raise ValidationError({"text": _("Write your message.")})
    inquiry = _locked(inquiry_id)
    if inquiry.status not in (*OPEN_STATUSES, InquiryStatus.ANSWERED):
        raise ValidationError({"text": _("This inquiry is closed. Please send a new inquiry.")})
    InquiryMessage.objects.create(inquiry=inquiry, author=InquiryMessage.Author.SUBMITTER, text=text)
    if inquiry.status == InquiryStatus.ANSWERED:
        transition(
            inquiry,
            InquiryStatus.ASSIGNED if inquiry.branch_id else InquiryStatus.NEW,
            allowed=ALLOWED,
            note=_("The submitter replied."),
            fields={
                "due_date": add_working_days(timezone.now(), inquiry.category.deadline_days),
                "escalated_at": None,
            },
        )
    return inquiry


@transaction.atomic
def inquiry_resolve(*, inquiry_id: int, status: str, reason: str, actor: Actor, duplicate_of_code: str = "") -> Inquiry:
    """Mark an open inquiry duplicate (of another) or out of scope, with the reason."""
    reason = nfc((reason or "").strip())
    if status not in (InquiryStatus.DUPLICATE, InquiryStatus.OUT_OF_SCOPE):
        raise ValidationError({"status": _("Choose duplicate or out of scope.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    inquiry = _locked(inquiry_id)
    duplicate_of = None
    if status == InquiryStatus.DUPLICATE:
        code = tracking_code_normalize(duplicate_of_code)
        duplicate_of = Inquiry.objects.filter(tracking_code=code).exclude(pk=inquiry.pk).first() if code else None
        if duplicate_of is None:
            raise ValidationError({"duplicate_of": _("Give the tracking code of the inquiry this one repeats.")})
    return transition(
        inquiry,
        status,
        allowed=ALLOWED,
        actor=actor,
        note=reason,
        fields={"resolution_reason": reason, "duplicate_of": duplicate_of, "closed_at": timezone.now()},
    )


@transaction.atomic
def inquiry_note_add(*, inquiry_id: int, text: str, actor: Actor) -> InquiryNote:
    """An internal note for the staff working on the inquiry."""
    text = nfc((text or "").strip())
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    inquiry = _locked(inquiry_id)
    return InquiryNote.objects.create(inquiry=inquiry, author=actor, text=text)


# --- periodic jobs -----------------------------------------------------------------------------


def inquiries_close_quiet(*, now: datetime | None = None) -> int:
    """Close answered inquiries nobody replied to within the quiet period; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.INQUIRY_QUIET_DAYS)
    closed = 0
    for inquiry_id in Inquiry.objects.filter(status=InquiryStatus.ANSWERED, answered_at__lt=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            inquiry = Inquiry.objects.select_for_update(skip_locked=True).filter(pk=inquiry_id).first()
            if inquiry is None or inquiry.status != InquiryStatus.ANSWERED or (inquiry.answered_at or now) >= cutoff:
                continue
            transition(
                inquiry,
                InquiryStatus.CLOSED,
                allowed=ALLOWED,
                note=_("No reply after the answer."),
                fields={"closed_at": now},
            )
            closed += 1
    return closed


def inquiries_remind_overdue(*, today: date | None = None) -> int:
    """Remind the assignee (or the desk) of overdue inquiries daily; escalate to the branch leader once."""
    today = today or timezone.localdate()
    sent = 0
    overdue = Inquiry.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today).select_related(
        "assignee__user", "branch"
    )
    for inquiry in overdue:
        with transaction.atomic():
            recipients = [official_email(inquiry.assignee)] if inquiry.assignee_id else []
            if not any(recipients):
                recipients = emails_of_role(Role.INQUIRY_DESK)
            context = {
                "tracking_code": inquiry.tracking_code,
                "subject": inquiry.subject,
                "due_date": inquiry.due_date,
                "admin_url": admin_url(inquiry),
                "escalated": False,
            }
            for recipient in filter(None, recipients):
                notify(
                    kind="inquiry_overdue",
                    recipient=recipient,
                    language=settings.LANGUAGE_CODE,
                    context=context,
                    idempotency_key=f"inquiry-overdue:{inquiry.pk}:{today.isoformat()}:{recipient}",
                    obj=inquiry,
                )
                sent += 1
            late_by = working_days_between(inquiry.due_date, today)
            if inquiry.branch_id and inquiry.escalated_at is None and late_by >= settings.INQUIRY_ESCALATE_AFTER_DAYS:
                for recipient in emails_of_role(Role.BRANCH_LEADER, branch_id=inquiry.branch_id):
                    notify(
                        kind="inquiry_overdue",
                        recipient=recipient,
                        language=settings.LANGUAGE_CODE,
                        context={**context, "escalated": True},
                        idempotency_key=f"inquiry-escalated:{inquiry.pk}:{inquiry.due_date.isoformat()}:{recipient}",
                        obj=inquiry,
                    )
                    sent += 1
                Inquiry.objects.filter(pk=inquiry.pk).update(escalated_at=timezone.now())
                record_note(inquiry, note=_("Overdue: escalated to the branch leader."))
    return sent


# --- FAQ ---------------------------------------------------------------------------------------


def faq_search_text(question: str, answer: str) -> str:
    return strip_accents(f"{question}\n{answer}").lower()


@transaction.atomic
def faq_entry_save(*, entry: FaqEntry) -> FaqEntry:
    """Save an FAQ entry with its accent-folded search column."""
    entry.question, entry.answer = nfc(entry.question.strip()), nfc(entry.answer.strip())
    entry.search_text = faq_search_text(entry.question, entry.answer)
    entry.save()
    return entry


@transaction.atomic
def faq_publish(*, inquiry_id: int, question: str, answer: str, actor: Actor) -> FaqEntry:
    """Publish an answered inquiry as an edited, anonymised question and answer."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry_id)
    if inquiry.first_answered_at is None:
        raise ValidationError({"answer": _("Only an answered inquiry can become an FAQ entry.")})
    errors = {}
    if not (question or "").strip():
        errors["question"] = _("This field is required.")
    if not (answer or "").strip():
        errors["answer"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    entry = faq_entry_save(entry=FaqEntry(category=inquiry.category, question=question, answer=answer, source=inquiry))
    record_note(inquiry, actor=actor, note=_("Published as FAQ entry %(id)s.") % {"id": entry.pk})
    return entry


def anonymise(inquiry: Inquiry, text: str) -> str:
    """Blank out what identifies the submitter, as a starting point for staff's edit."""
    for secret in filter(
        None, [inquiry.name, inquiry.email, inquiry.phone, inquiry.tax_code, inquiry.declaration_number]
    ):
        text = re.sub(re.escape(secret), "…", text, flags=re.IGNORECASE)
    text = re.sub(r"[\w.+-]+@[\w-]+\.[\w.-]+", "…", text)
    return re.sub(r"\b\d{10,13}\b", "…", text)
