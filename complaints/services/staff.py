"""Staff workflow: every status change locks the row, checks the table, writes an event."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import (
    OPEN_STATUSES,
    Inquiry,
    InquiryMessage,
    InquiryNote,
    InquiryStatus,
)
from complaints.rollup import rollup_record, rollup_snapshot
from complaints.services.tracking import (
    submitter_notify,
    tracking_code_normalize,
)
from complaints.transitions import ALLOWED
from customs_feedback.exceptions import NotFound, PermissionDenied
from customs_feedback.organization.models import Branch, Official
from customs_feedback.organization.scoping import for_user
from customs_feedback.text import nfc
from customs_feedback.workdays import add_working_days
from customs_feedback.workflow import Actor, transition

# A line that is only "…" (or "...") is where a template expects the answer: it is never sent as is.
TEMPLATE_PLACEHOLDER = re.compile(r"^\s*(…|\.\.\.)\s*$", re.MULTILINE)


def _locked(inquiry_id: int) -> Inquiry:
    try:
        return Inquiry.objects.select_for_update().get(pk=inquiry_id)
    except Inquiry.DoesNotExist:
        raise NotFound(_("No such inquiry.")) from None


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
    before = rollup_snapshot(inquiry)
    transition(
        inquiry,
        InquiryStatus.ASSIGNED,
        allowed=ALLOWED,
        actor=actor,
        note=note,
        fields={"branch": branch, "assignee": assignee},
    )
    rollup_record(before, inquiry)
    return inquiry


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
    before = rollup_snapshot(inquiry)
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
    rollup_record(before, inquiry)
    message = InquiryMessage.objects.create(
        inquiry=inquiry,
        author=InquiryMessage.Author.STAFF,
        unit_name=inquiry.answer_unit,
        text=text,
        staff_user=actor,
    )
    submitter_notify(
        inquiry,
        kind="inquiry_answered",
        idempotency_key=f"inquiry-answered:{inquiry.pk}:{message.pk}",
        answer=text,
        unit_name=inquiry.answer_unit,
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
        before = rollup_snapshot(inquiry)
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
        rollup_record(before, inquiry)
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
    before = rollup_snapshot(inquiry)
    transition(
        inquiry,
        status,
        allowed=ALLOWED,
        actor=actor,
        note=reason,
        fields={"resolution_reason": reason, "duplicate_of": duplicate_of, "closed_at": timezone.now()},
    )
    rollup_record(before, inquiry)
    return inquiry


@transaction.atomic
def inquiry_note_add(*, inquiry_id: int, text: str, actor: Actor) -> InquiryNote:
    """An internal note for the staff working on the inquiry."""
    text = nfc((text or "").strip())
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    inquiry = _locked(inquiry_id)
    return InquiryNote.objects.create(inquiry=inquiry, author=actor, text=text)
