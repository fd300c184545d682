"""The staff back office for inquiries: queues, assignment, notes, answers, FAQ, statistics.

One module per concern; importing the package registers every admin (Django's autodiscover imports it)."""

from complaints.admin.catalogue import AnswerTemplateAdmin, FaqEntryAdmin, InquiryCategoryAdmin
from complaints.admin.inquiries import (
    AttachmentInline,
    EventInline,
    InquiryAdmin,
    MessageInline,
    NoteInline,
    QueueFilter,
)

__all__ = [
    "AnswerTemplateAdmin",
    "AttachmentInline",
    "EventInline",
    "FaqEntryAdmin",
    "InquiryAdmin",
    "InquiryCategoryAdmin",
    "MessageInline",
    "NoteInline",
    "QueueFilter",
]
