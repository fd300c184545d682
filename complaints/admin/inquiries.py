"""The inquiry queue: filters, read-only inlines, and the workflow pages that call the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints import selectors, services
from complaints.admin_forms import AnswerForm, AssignForm, FaqForm, NoteForm, ResolveForm, StatsForm
from complaints.models import (
    OPEN_STATUSES,
    Inquiry,
    InquiryAttachment,
    InquiryEvent,
    InquiryMessage,
    InquiryNote,
    InquiryStatus,
)
from customs_feedback.core.admin import SubjectExportMixin
from customs_feedback.exceptions import DomainError
from customs_feedback.forms import add_service_errors
from customs_feedback.organization.admin_mixins import (
    ExportMixin,
    ReadOnlyInline,
    ScopedModelAdmin,
    ServiceWrittenAdminMixin,
    StatusEventInline,
    branch_column,
)
from customs_feedback.organization.scoping import for_user


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("new", _("New")), ("mine", _("Mine")), ("overdue", _("Overdue")), ("due_soon", _("Due soon"))]

    def queryset(self, request, queryset):
        if self.value() in selectors.QUEUES:
            return selectors.inquiry_queue(queryset, queue=self.value(), user=request.user)
        return queryset


class MessageInline(ReadOnlyInline):
    model = InquiryMessage
    fields = ["created_at", "author", "unit_name", "text", "staff_user"]
    verbose_name_plural = _("Conversation with the submitter")


class AttachmentInline(ReadOnlyInline):
    model = InquiryAttachment
    fields = ["download", "content_type", "size", "created_at"]
    readonly_fields = fields

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("file"))
    def download(self, attachment):
        url = reverse("admin:complaints_inquiry_attachment", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.original_name)


class NoteInline(ReadOnlyInline):
    model = InquiryNote
    fields = ["created_at", "author", "text"]


class EventInline(StatusEventInline):
    model = InquiryEvent


@admin.register(Inquiry)
class InquiryAdmin(SubjectExportMixin, ServiceWrittenAdminMixin, ExportMixin, ScopedModelAdmin):
    change_form_template = "admin/complaints/inquiry/change_form.html"
    change_list_template = "admin/complaints/inquiry/change_list.html"
    list_display = [
        "tracking_code",
        "subject",
        "category",
        "status",
        "branch_code",
        "assignee",
        "due_date",
        "overdue",
        "submitted_at",
    ]
    branch_code = branch_column("branch")
    # A date filter rather than date_hierarchy, whose year links read DISTINCT years over every inquiry.
    list_filter = [QueueFilter, "status", "category", "branch", "language", ("submitted_at", admin.DateFieldListFilter)]
    search_fields = ["tracking_code", "subject", "name", "email", "tax_code", "declaration_number"]
    list_select_related = ["category", "branch", "assignee"]
    list_per_page = 50
    inlines = [MessageInline, AttachmentInline, NoteInline, EventInline]
    fieldsets = [
        (None, {"fields": ["tracking_code", "status", "category", "due_date", "branch", "assignee"]}),
        (_("Submitter"), {"fields": ["name", "email", "phone", "tax_code", "enterprise", "language"]}),
        (_("Question"), {"fields": ["subject", "body", "declaration_number"]}),
        (_("Answer"), {"fields": ["answer", "answer_unit", "answered_at", "first_answered_at"]}),
        (_("Closure"), {"fields": ["resolution_reason", "duplicate_of", "closed_at", "escalated_at"]}),
        (_("Record"), {"fields": ["submitted_at", "submitted_ip", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Inquiry._meta.fields] + ["enterprise"]

    def changelist_rows(self, queryset):
        """The listed columns only: an inquiry carries its question, answer and submitter, which a page of 50
        read and built into objects for nine cells a row (the category, branch and official still joined)."""
        listed = ["tracking_code", "subject", "category", "status", "branch", "assignee", "due_date", "submitted_at"]
        return queryset.only(*listed)

    def get_fieldsets(self, request, obj=None):
        """The answer and closure sections appear once there is something in them."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (title, options)
            for title, options in fieldsets
            if title is None or any(getattr(obj, name, None) not in (None, "") for name in options["fields"])
        ]

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, inquiry):
        return inquiry.status in OPEN_STATUSES and inquiry.due_date < timezone.localdate()

    @admin.display(description=_("enterprise"))
    def enterprise(self, inquiry):
        return selectors.enterprise_name(inquiry.tax_code) or "—"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/assign/", wrap(self.assign_view), name="complaints_inquiry_assign"),
            path("<int:pk>/answer/", wrap(self.answer_view), name="complaints_inquiry_answer"),
            path("<int:pk>/resolve/", wrap(self.resolve_view), name="complaints_inquiry_resolve"),
            path("<int:pk>/note/", wrap(self.note_view), name="complaints_inquiry_note"),
            path("<int:pk>/publish-faq/", wrap(self.faq_view), name="complaints_inquiry_faq"),
            path("attachment/<int:pk>/", wrap(self.attachment_view), name="complaints_inquiry_attachment"),
            path("statistics/", wrap(self.statistics_view), name="complaints_inquiry_statistics"),
            *super().get_urls(),
        ]

    # --- workflow pages: each parses a form and calls one service -------------------------------

    def _inquiry(self, request, pk: int, permission: str) -> Inquiry:
        if not request.user.has_perm(permission):
            raise DjangoPermissionDenied
        inquiry = self.get_queryset(request).filter(pk=pk).first()
        if inquiry is None:
            raise Http404
        return inquiry

    def _page(self, request, inquiry, form, title: str, *, submit: str, extra=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": inquiry,
            "inquiry": inquiry,
            "form": form,
            "title": title,
            "submit_label": submit,
            **(extra or {}),
        }
        return TemplateResponse(request, "admin/complaints/inquiry/action_form.html", context)

    def _form_page(self, request, inquiry, form, *, call, done: str, title: str, submit: str, extra=None, run=True):
        """The page of one workflow step: on a valid POST (unless `run` is off) run `call(cleaned_data)` and go
        back to the inquiry; otherwise (GET, or a refusal: a ValidationError on the form, any other domain error
        as an admin message) render the form again."""
        if run and request.method == "POST" and form.is_valid():
            try:
                call(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect(reverse("admin:complaints_inquiry_change", args=[inquiry.pk]))
        return self._page(request, inquiry, form, title, submit=submit, extra=extra)

    def assign_view(self, request, pk: int):
        inquiry = self._inquiry(request, pk, "complaints.assign_inquiry")
        initial = {"branch": inquiry.branch_id, "assignee": inquiry.assignee_id}
        return self._form_page(
            request,
            inquiry,
            AssignForm(request.POST or None, initial=initial, user=request.user),
            call=lambda data: services.inquiry_assign(
                inquiry_id=inquiry.pk,
                branch_id=data["branch"].pk,
                assignee_id=data["assignee"].pk if data["assignee"] else None,
                actor=request.user,
            ),
            done=_("The inquiry has been assigned."),
            title=_("Assign %(code)s") % {"code": inquiry.tracking_code},
            submit=_("Assign"),
        )

    def answer_view(self, request, pk: int):
        inquiry = self._inquiry(request, pk, "complaints.answer_inquiry")
        form = AnswerForm(request.POST or None, initial={"text": inquiry.answer}, user=request.user)
        # "Use the template" fills the text in from the chosen template and sends nothing.
        use_template = "_use_template" in request.POST
        if use_template and form.is_valid() and form.cleaned_data["template"] is not None:
            template = form.cleaned_data["template"]
            form = AnswerForm(initial={"template": template, "text": template.text}, user=request.user)
        return self._form_page(
            request,
            inquiry,
            form,
            run=not use_template,
            call=lambda data: services.inquiry_answer(inquiry_id=inquiry.pk, text=data["text"], actor=request.user),
            done=_("The answer has been sent to the submitter."),
            title=_("Answer %(code)s") % {"code": inquiry.tracking_code},
            submit=_("Send the answer"),
            extra={"show_question": True, "template_button": True, "unit_name": services.unit_name(inquiry)},
        )

    def resolve_view(self, request, pk: int):
        inquiry = self._inquiry(request, pk, "complaints.resolve_inquiry")
        return self._form_page(
            request,
            inquiry,
            ResolveForm(request.POST or None),
            call=lambda data: services.inquiry_resolve(
                inquiry_id=inquiry.pk,
                status=data["status"],
                reason=data["reason"],
                duplicate_of_code=data["duplicate_of"],
                actor=request.user,
            ),
            done=_("The inquiry has been closed."),
            title=_("Close %(code)s without an answer") % {"code": inquiry.tracking_code},
            submit=_("Close the inquiry"),
        )

    def note_view(self, request, pk: int):
        inquiry = self._inquiry(request, pk, "complaints.add_inquirynote")
        return self._form_page(
            request,
            inquiry,
            NoteForm(request.POST or None),
            call=lambda data: services.inquiry_note_add(inquiry_id=inquiry.pk, text=data["text"], actor=request.user),
            done=_("The note has been added."),
            title=_("Internal note on %(code)s") % {"code": inquiry.tracking_code},
            submit=_("Add the note"),
        )

    def faq_view(self, request, pk: int):
        inquiry = self._inquiry(request, pk, "complaints.add_faqentry")
        initial = {
            "question": services.anonymise(inquiry, inquiry.body),
            "answer": services.anonymise(inquiry, selectors.first_answer_text(inquiry)),
        }
        return self._form_page(
            request,
            inquiry,
            FaqForm(request.POST or None, initial=initial),
            call=lambda data: services.faq_publish(
                inquiry_id=inquiry.pk, question=data["question"], answer=data["answer"], actor=request.user
            ),
            done=_("The question and answer are published in the FAQ."),
            title=_("Publish %(code)s as FAQ") % {"code": inquiry.tracking_code},
            submit=_("Publish"),
            extra={"faq_hint": True},
        )

    def attachment_view(self, request, pk: int):
        """Attachments are private: only staff who may see the inquiry can download them."""
        if not request.user.has_perm("complaints.view_inquiry"):
            raise DjangoPermissionDenied
        attachment = for_user(request.user, InquiryAttachment.objects.filter(pk=pk)).first()
        if attachment is None:
            raise Http404
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def statistics_view(self, request):
        if not request.user.has_perm("complaints.view_inquiry_statistics"):
            raise DjangoPermissionDenied
        form = StatsForm(request.GET or None)
        dates = form.cleaned_data if form.is_valid() else {}
        stats = selectors.inquiry_stats(
            user=request.user, date_from=dates.get("date_from"), date_to=dates.get("date_to")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Inquiry statistics"),
            "form": form,
            "stats": stats,
        }
        return TemplateResponse(request, "admin/complaints/inquiry/statistics.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        inquiry = self.get_queryset(request).filter(pk=object_id).first()
        user = request.user
        extra_context = {
            **(extra_context or {}),
            "can_assign": bool(inquiry)
            and inquiry.status in OPEN_STATUSES
            and user.has_perm("complaints.assign_inquiry"),
            "can_answer": bool(inquiry)
            and inquiry.status in (*OPEN_STATUSES, InquiryStatus.ANSWERED)
            and user.has_perm("complaints.answer_inquiry"),
            "can_resolve": bool(inquiry)
            and inquiry.status in OPEN_STATUSES
            and user.has_perm("complaints.resolve_inquiry"),
            "can_note": user.has_perm("complaints.add_inquirynote"),
            "can_publish": bool(inquiry)
            and inquiry.first_answered_at is not None
            and user.has_perm("complaints.add_faqentry"),
        }
        return super().change_view(request, object_id, form_url, extra_context)
