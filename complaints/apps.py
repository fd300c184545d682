from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Inquiries")

    def ready(self) -> None:
        from complaints.models import (
            AnswerTemplate,
            FaqEntry,
            Inquiry,
            InquiryAttachment,
            InquiryCategory,
            InquiryEvent,
            InquiryMessage,
            InquiryNote,
            InquiryRollup,
        )
        from customs_feedback.core.portal import register_section
        from customs_feedback.organization import roles, scoping
        from customs_feedback.organization.roles import Role

        desk = [Role.INQUIRY_DESK]
        scoping.register(Inquiry, branch="branch", own="assignee", department_roles=desk)
        # Whole branches only: a branch officer's figures (their own assignments) are counted from the inquiries.
        scoping.register(InquiryRollup, branch="branch", department_roles=desk)
        for model in (InquiryAttachment, InquiryEvent, InquiryMessage, InquiryNote):
            scoping.register(model, branch="inquiry__branch", own="inquiry__assignee", department_roles=desk)
        # FAQ entries are public text; the desk and the leadership edit them.
        scoping.register(FaqEntry, department_roles=desk)
        # Categories and answer templates are reference data for everyone who works on inquiries.
        workers = [Role.INQUIRY_DESK, Role.BRANCH_LEADER, Role.BRANCH_OFFICER]
        scoping.register(InquiryCategory, department_roles=workers)
        scoping.register(AnswerTemplate, department_roles=workers)

        read = [
            "complaints.view_inquiry",
            "complaints.view_inquiryattachment",
            "complaints.view_inquirymessage",
            "complaints.view_inquiryevent",
            "complaints.view_inquirycategory",
            "complaints.view_answertemplate",
        ]
        work = [*read, "complaints.answer_inquiry", "complaints.view_inquirynote", "complaints.add_inquirynote"]
        roles.grant(Role.DEPARTMENT_LEADERSHIP, *read, "complaints.view_inquirynote", "complaints.view_faqentry")
        roles.grant(Role.DEPARTMENT_LEADERSHIP, "complaints.view_inquiry_statistics")
        roles.grant(
            Role.INQUIRY_DESK,
            *work,
            "complaints.assign_inquiry",
            "complaints.resolve_inquiry",
            "complaints.view_inquiry_statistics",
            "complaints.add_inquirycategory",
            "complaints.change_inquirycategory",
            "complaints.add_answertemplate",
            "complaints.change_answertemplate",
            "complaints.view_faqentry",
            "complaints.add_faqentry",
            "complaints.change_faqentry",
        )
        roles.grant(Role.BRANCH_LEADER, *work, "complaints.assign_inquiry", "complaints.resolve_inquiry")
        roles.grant(Role.BRANCH_LEADER, "complaints.view_inquiry_statistics")
        roles.grant(Role.BRANCH_OFFICER, *work)

        from complaints.selectors import inquiry_public_figures
        from customs_feedback.core.portal import register_public_figures

        register_public_figures(order=30, provider=inquiry_public_figures)
        register_section(
            url_name="complaints:submit",
            label=_("Ask a question"),
            description=_("Send a problem or question about customs procedures and follow its answer."),
            order=30,
        )
        register_section(
            url_name="complaints:faq",
            label=_("Questions and answers"),
            description=_("Answers to the questions businesses ask most often."),
            order=31,
        )
        from complaints import company_views
        from customs_feedback.core.enterprise import register_enterprise_section

        register_enterprise_section(
            slug="inquiries",
            label=_("Inquiries"),
            order=40,
            view=company_views.inquiries_section,
            summary=company_views.inquiries_summary,
        )
