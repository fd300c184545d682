"""The department's decisions: countersigning (number, certificate, registry), rejecting, suspending,
terminating, reinstating."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_feedback.exceptions import Conflict
from customs_feedback.notifications.services import Attachment, notify
from customs_feedback.text import nfc
from customs_feedback.workflow import Actor, ensure_transition
from partnerships.certificates import certificate_issue
from partnerships.links import verify_url
from partnerships.models import (
    LIVE_STATUSES,
    Agreement,
    AgreementEvent,
    AgreementNumberSequence,
    AgreementStatus,
)
from partnerships.services.moves import _lock, _move, _require_reason
from partnerships.services.registry import (
    STATUS_LABELS,
)
from partnerships.transitions import ALLOWED


def _next_number() -> int:
    sequence, _created = AgreementNumberSequence.objects.get_or_create(name="agreement")
    sequence = AgreementNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    highest = Agreement.objects.aggregate(highest=Max("number"))["highest"] or 0
    sequence.last_value = max(sequence.last_value, highest) + 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


@transaction.atomic
def agreement_countersign(*, agreement_id: int, actor: Actor, now: datetime | None = None) -> Agreement:
    """The department countersigns: number, certificate, registry update and the activation notice."""
    agreement = _lock(agreement_id)
    message = _("Only an agreement waiting for review can be countersigned; this one is “%(status)s”.")
    # Checked before the number is taken and the certificate drawn; transition() checks again under its lock.
    ensure_transition(ALLOWED, agreement.status, AgreementStatus.ACTIVE, labels=STATUS_LABELS, message=message)
    if Agreement.objects.filter(enterprise_id=agreement.enterprise_id, status__in=LIVE_STATUSES).exists():
        raise Conflict(_("This enterprise already holds a partnership agreement (in force or suspended)."))
    agreement.number = _next_number()
    agreement.activated_at = now or timezone.now()
    agreement.countersigned_by = actor
    certificate_fields = certificate_issue(agreement)
    event = _move(
        agreement,
        AgreementStatus.ACTIVE,
        fields={
            "number": agreement.number,
            "activated_at": agreement.activated_at,
            "countersigned_by": actor,
            **{name: getattr(agreement, name) for name in certificate_fields},
        },
        actor=actor,
        note=f"countersigned, No. {agreement.number}",
        message=message,
    )
    _update_registry(agreement)
    certificate = Attachment(
        filename=f"thoa-thuan-hop-tac-{agreement.number}.pdf",
        path=agreement.certificate.name or "",
        content_type="application/pdf",
    )
    _tell_enterprise(
        agreement,
        event,
        kind="agreement_activated",
        recipient=agreement.email,
        attachments=[certificate],
        activated_at=timezone.localtime(agreement.activated_at),
        verify_url=verify_url(agreement),
    )
    return agreement


def _tell_enterprise(
    agreement: Agreement,
    event: AgreementEvent,
    *,
    kind: str,
    recipient: str | None = None,
    attachments: list[Attachment] | None = None,
    **context: Any,
) -> None:
    """A decision's notice to the enterprise, in the agreement's language, keyed by the event that made it; sent
    to `recipient`, by default the address the agreement was signed with or else the registry's."""
    notify(
        kind=kind,
        recipient=(agreement.email or agreement.enterprise.email) if recipient is None else recipient,
        language=agreement.language,
        context={
            "company_name": agreement.company_name,
            "reference": agreement.reference,
            "number": agreement.number,
            **context,
        },
        idempotency_key=f"agreement:{agreement.pk}:event:{event.pk}",
        obj=agreement,
        attachments=attachments or (),
    )


def _update_registry(agreement: Agreement) -> None:
    """What the department verified and countersigned becomes the registry's contact record."""
    enterprise = agreement.enterprise
    if agreement.language == "en" and enterprise.name_vi:
        enterprise.name_en = agreement.company_name
    else:
        enterprise.name_vi = agreement.company_name
    for field in ["address", "representative_name", "representative_title", "email", "phone", "language"]:
        value = getattr(agreement, field)
        if value:
            setattr(enterprise, field, value)
    enterprise.save()


# What each decision moves an agreement to: the refusal when its status does not allow it, the notice kind.
_DECISIONS: dict[str, tuple[str | Promise, str]] = {
    AgreementStatus.REJECTED: (
        gettext_lazy("Only an agreement waiting for review can be rejected; this one is “%(status)s”."),
        "agreement_rejected",
    ),
    AgreementStatus.SUSPENDED: (
        gettext_lazy("Only an agreement in force can be suspended; this one is “%(status)s”."),
        "agreement_suspended",
    ),
    AgreementStatus.TERMINATED: (
        gettext_lazy("Only an agreement in force or suspended can be terminated; this one is “%(status)s”."),
        "agreement_terminated",
    ),
}


def _decide(*, agreement_id: int, actor: Actor, reason: str, target: str, now: datetime | None = None) -> Agreement:
    message, kind = _DECISIONS[target]
    reason = _require_reason(reason)
    agreement = _lock(agreement_id)
    changed: dict[str, Any] = {"reason": reason}
    if target == AgreementStatus.TERMINATED:
        changed["ended_at"] = now or timezone.now()
    event = _move(agreement, target, fields=changed, actor=actor, note=reason, message=str(message))
    _tell_enterprise(agreement, event, kind=kind, reason=reason)
    return agreement


@transaction.atomic
def agreement_reject(*, agreement_id: int, actor: Actor, reason: str) -> Agreement:
    """The partnership desk does not accept a signed request; the enterprise is told why."""
    return _decide(agreement_id=agreement_id, actor=actor, reason=reason, target=AgreementStatus.REJECTED)


@transaction.atomic
def agreement_suspend(*, agreement_id: int, actor: Actor, reason: str) -> Agreement:
    """Suspend an agreement in force; the verification page shows it is no longer in force."""
    return _decide(agreement_id=agreement_id, actor=actor, reason=reason, target=AgreementStatus.SUSPENDED)


@transaction.atomic
def agreement_terminate(*, agreement_id: int, actor: Actor, reason: str, now: datetime | None = None) -> Agreement:
    """End an agreement in force or suspended; the enterprise may sign a new one."""
    return _decide(agreement_id=agreement_id, actor=actor, reason=reason, target=AgreementStatus.TERMINATED, now=now)


@transaction.atomic
def agreement_reinstate(*, agreement_id: int, actor: Actor, note: str = "") -> Agreement:
    """Lift a suspension: the agreement is in force again under the same number; the enterprise is told."""
    agreement = _lock(agreement_id)
    note = nfc(note.strip())
    event = _move(
        agreement,
        AgreementStatus.ACTIVE,
        actor=actor,
        note=note,
        # Only the suspended row of the table: a pending agreement becomes active by countersigning, not here.
        allowed={AgreementStatus.SUSPENDED: ALLOWED[AgreementStatus.SUSPENDED]},
        message=_("Only a suspended agreement can be reinstated; this one is “%(status)s”."),
    )
    _tell_enterprise(agreement, event, kind="agreement_reinstated", note=note, verify_url=verify_url(agreement))
    return agreement
