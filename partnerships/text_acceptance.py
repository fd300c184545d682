"""A new agreement text: every partner is asked to accept it; the registry shows who has and who has not."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customs_feedback.notifications.services import notify
from partnerships.models import LIVE_STATUSES, Agreement, AgreementTemplate, AgreementTextAcceptance

ACCEPTANCE_LINK_SALT = "partnerships.text-acceptance"


def acceptance_token(agreement: Agreement, template: AgreementTemplate) -> str:
    return signing.dumps({"agreement": agreement.pk, "version": template.version}, salt=ACCEPTANCE_LINK_SALT)


def with_current_text_accepted(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Annotate `accepted_current_text`: signed the current version, or accepted it since."""
    current = AgreementTemplate.objects.filter(is_current=True)
    accepted = AgreementTextAcceptance.objects.filter(agreement=OuterRef("pk"), template__is_current=True)
    return queryset.annotate(
        accepted_current_text=Exists(current.filter(pk=OuterRef("template_id"))) | Exists(accepted)
    )


def partners_to_ask(template: AgreementTemplate) -> QuerySet[Agreement]:
    """Partners (agreement in force or suspended) that signed an older text and have not accepted this one."""
    return (
        Agreement.objects.filter(status__in=LIVE_STATUSES)
        .exclude(Q(template=template) | Q(text_acceptances__template=template))
        .select_related("enterprise")
    )


def agreement_text_request_acceptance(*, template: AgreementTemplate) -> int:
    """Queue the notice asking each partner to accept `template` (in the caller's transaction); return how many."""
    asked = 0
    for agreement in partners_to_ask(template).iterator(chunk_size=500):
        url = settings.SITE_URL + reverse("partnerships:accept_text", args=[acceptance_token(agreement, template)])
        notify(
            kind="agreement_text_updated",
            recipient=agreement.email or agreement.enterprise.email,
            language=agreement.language,
            context={
                "company_name": agreement.company_name,
                "number": agreement.number,
                "version": template.version,
                "title": template.title(agreement.language),
                "accept_url": url,
            },
            idempotency_key=f"agreement:{agreement.pk}:text:{template.version}",
            obj=agreement,
        )
        asked += 1
    return asked


def acceptance_request(*, token: str) -> tuple[Agreement, AgreementTemplate]:
    """The agreement and text an emailed acceptance link is for, if it can still be used."""
    try:
        payload = signing.loads(token, salt=ACCEPTANCE_LINK_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid. Please use the link in the latest email we sent.")) from None
    agreement = Agreement.objects.select_related("enterprise").filter(pk=payload.get("agreement")).first()
    template = AgreementTemplate.objects.filter(version=payload.get("version")).first()
    if agreement is None or template is None or agreement.status not in LIVE_STATUSES:
        raise ValidationError(_("This agreement is no longer in force, so there is nothing to accept."))
    if not template.is_current:
        raise ValidationError(_("A newer text has been published since. Please use the link in the latest email."))
    return agreement, template


@transaction.atomic
def agreement_text_accept(
    *, token: str, ip: str | None = None, user_agent: str = "", now: datetime | None = None
) -> AgreementTextAcceptance:
    """The partner accepts the current text (accepting twice keeps the first acceptance)."""
    agreement, template = acceptance_request(token=token)
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    acceptance, _created = AgreementTextAcceptance.objects.get_or_create(
        agreement=agreement,
        template=template,
        defaults={"accepted_at": now or timezone.now(), "ip": ip or None, "user_agent": (user_agent or "")[:500]},
    )
    return acceptance


def pending_acceptance_path(agreement: Agreement | None) -> str:
    """The page where this partner accepts the current text, or "" when there is nothing to accept."""
    if agreement is None or agreement.status not in LIVE_STATUSES:
        return ""
    current = AgreementTemplate.objects.filter(is_current=True).first()
    if (
        current is None
        or agreement.template_id == current.pk
        or agreement.text_acceptances.filter(template=current).exists()
    ):
        return ""
    return reverse("partnerships:accept_text", args=[acceptance_token(agreement, current)])
