"""Personal data of the inquiries app: its retention rules and its part of a subject export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.models import OPEN_STATUSES, Inquiry, InquiryAttachment
from customs_feedback.core.privacy import retention_rule, subject_export


@retention_rule(
    "inquiry_submitter_ip", days_setting="RETENTION_NETWORK_DAYS", description="IP address of inquiry submitters"
)
def inquiry_ips_forget(*, before: datetime) -> int:
    return Inquiry.objects.filter(submitted_at__lt=before, submitted_ip__isnull=False).update(submitted_ip=None)


@retention_rule(
    "closed_inquiry_contact",
    days_setting="RETENTION_CLOSED_INQUIRY_DAYS",
    description="Contact details and attachments of inquiries closed that long ago",
)
def closed_inquiries_anonymise(*, before: datetime) -> int:
    expired = Inquiry.objects.exclude(status__in=OPEN_STATUSES).filter(closed_at__lt=before).exclude(email="")
    ids = list(expired.values_list("pk", flat=True))
    attachments = InquiryAttachment.objects.filter(inquiry_id__in=ids)
    for attachment in attachments:
        attachment.file.delete(save=False)
    attachments.delete()
    return Inquiry.objects.filter(pk__in=ids).update(name="", email="", phone="", submitted_ip=None)


@subject_export("complaints.inquiries")
def inquiries_of(email: str) -> list[dict[str, Any]]:
    rows = []
    for inquiry in Inquiry.objects.filter(email__iexact=email).prefetch_related("messages", "attachments"):
        rows.append(
            {
                "tracking_code": inquiry.tracking_code,
                "name": inquiry.name,
                "email": inquiry.email,
                "phone": inquiry.phone,
                "tax_code": inquiry.tax_code,
                "subject": inquiry.subject,
                "body": inquiry.body,
                "declaration_number": inquiry.declaration_number,
                "status": inquiry.status,
                "submitted_at": inquiry.submitted_at.isoformat(),
                "submitted_ip": inquiry.submitted_ip,
                "answer": inquiry.answer,
                "conversation": [
                    {"from": message.author, "text": message.text, "at": message.created_at.isoformat()}
                    for message in inquiry.messages.all()
                ],
                "attachments": [attachment.original_name for attachment in inquiry.attachments.all()],
            }
        )
    return rows
