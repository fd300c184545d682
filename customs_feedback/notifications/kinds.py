"""The catalogue of notices the product sends. Each kind has templates in Vietnamese and English:

    notifications/<code>/subject.txt   one line
    notifications/<code>/body.txt      plain text; the HTML part wraps it in the department's layout

rendered with the context the calling service passes (listed here, so templates and callers agree)
plus `department_name` and `site_url`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NoticeKind:
    code: str
    label: str | Promise
    context: tuple[str, ...]
    to_staff: bool = False  # staff notices never carry an enterprise's identity to the wrong desk


KINDS: dict[str, NoticeKind] = {
    kind.code: kind
    for kind in [
        NoticeKind(
            "agreement_confirm_email",
            _("Agreement: confirm your email"),
            ("company_name", "reference", "confirm_url", "expires_at"),
        ),
        NoticeKind(
            "agreement_activated",
            _("Agreement: activated"),
            ("company_name", "reference", "number", "activated_at", "verify_url"),
        ),
        NoticeKind("agreement_rejected", _("Agreement: rejected"), ("company_name", "reference", "reason")),
        NoticeKind("agreement_suspended", _("Agreement: suspended"), ("company_name", "number", "reason")),
        NoticeKind("agreement_terminated", _("Agreement: terminated"), ("company_name", "number", "reason")),
        NoticeKind(
            "agreement_reinstated",
            _("Agreement: suspension lifted"),
            ("company_name", "reference", "number", "note", "verify_url"),
        ),
        NoticeKind(
            "agreement_text_updated",
            _("Agreement: new text to accept"),
            ("company_name", "number", "version", "title", "accept_url"),
        ),
        NoticeKind(
            "rating_invitation",
            _("Rating: invitation"),
            ("company_name", "declaration_number", "cleared_at", "branch_name", "rate_url", "expires_at"),
        ),
        NoticeKind(
            "rating_digest",
            _("Rating: daily digest of cleared declarations"),
            ("company_name", "day", "declarations", "portal_url"),
        ),
        NoticeKind(
            "enterprise_sign_in_code", _("Enterprise portal: sign-in code"), ("company_name", "code", "minutes")
        ),
        NoticeKind(
            "enterprise_invitation",
            _("Enterprise portal: invitation of a colleague"),
            ("company_name", "tax_code", "invited_by", "role", "accept_url", "expires_at"),
        ),
        NoticeKind(
            "rating_outcome",
            _("Rating: outcome of the follow-up"),
            ("company_name", "declaration_number", "conclusion", "measure", "action_taken", "status_url"),
        ),
        NoticeKind(
            "rating_rejected",
            _("Rating: rejected"),
            ("company_name", "declaration_number", "reason", "note", "contest_until", "status_url"),
        ),
        NoticeKind(
            "rating_contest_decided",
            _("Rating: contest decided"),
            ("company_name", "declaration_number", "decision", "note", "status_url"),
        ),
        NoticeKind(
            "rating_contest_filed",
            _("Rating: rejection contested (staff)"),
            ("rating_id", "admin_url"),
            to_staff=True,
        ),
        NoticeKind(
            "followup_case_explain",
            _("Follow-up case: the official may explain (staff)"),
            ("case_reference", "explanation_due", "record_url"),
            to_staff=True,
        ),
        NoticeKind(
            "followup_case_concluded",
            _("Follow-up case: concluded (staff)"),
            ("case_reference", "conclusion", "measure", "appeal_until", "record_url"),
            to_staff=True,
        ),
        NoticeKind(
            "followup_appeal_filed",
            _("Follow-up case: appeal filed (staff)"),
            ("case_reference", "admin_url"),
            to_staff=True,
        ),
        NoticeKind(
            "followup_appeal_decided",
            _("Follow-up case: appeal decided (staff)"),
            ("case_reference", "decision", "note", "record_url"),
            to_staff=True,
        ),
        NoticeKind(
            "followup_case_opened",
            _("Follow-up case: opened (staff)"),
            ("case_reference", "branch_name", "due_date", "admin_url"),
            to_staff=True,
        ),
        NoticeKind(
            "followup_case_overdue",
            _("Follow-up case: overdue (staff)"),
            ("case_reference", "branch_name", "due_date", "admin_url", "escalated"),
            to_staff=True,
        ),
        NoticeKind(
            "inquiry_acknowledged",
            _("Inquiry: received"),
            ("name", "tracking_code", "subject", "due_date", "tracking_url"),
        ),
        NoticeKind(
            "inquiry_answered",
            _("Inquiry: answered"),
            ("name", "tracking_code", "subject", "answer", "unit_name", "tracking_url"),
        ),
        NoticeKind(
            "periodic_report",
            _("Results report of the month (staff)"),
            ("period_label", "unit", "report_url"),
            to_staff=True,
        ),
        NoticeKind(
            "inquiry_overdue",
            _("Inquiry: overdue (staff)"),
            ("tracking_code", "subject", "due_date", "admin_url", "escalated"),
            to_staff=True,
        ),
    ]
}


def kind(code: str) -> NoticeKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notice kind {code!r}: add it to customs_feedback.notifications.kinds") from None
