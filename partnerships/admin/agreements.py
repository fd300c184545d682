"""Agreements: filters, read-only inlines, and the workflow actions that call the services."""

from django import forms
from django.contrib import admin
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customs_feedback.core.admin import SubjectExportMixin
from customs_feedback.core.dashboard import last_months
from customs_feedback.organization.admin_mixins import (
    ExportMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ScopedModelAdmin,
    ServiceActionMixin,
    StatusEventInline,
)
from partnerships import services
from partnerships.models import (
    SIGNED_DETAILS,
    Agreement,
    AgreementEvent,
    AgreementStatus,
    AgreementTextAcceptance,
)
from partnerships.text_acceptance import with_current_text_accepted


class AgreementEventInline(StatusEventInline):
    model = AgreementEvent
    verbose_name_plural = _("history")


class AgreementTextAcceptanceInline(ReadOnlyInline):
    model = AgreementTextAcceptance
    fields = ["template", "accepted_at", "ip"]
    verbose_name_plural = _("acceptances of new agreement texts")


class CurrentTextAcceptedFilter(admin.SimpleListFilter):
    title = _("accepted the current agreement text")
    parameter_name = "current_text"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("Not yet"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(accepted_current_text=self.value() == "yes")
        return queryset


class ActivatedMonthFilter(admin.SimpleListFilter):
    title = _("month in force since")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        """The last 36 months, newest first: a fixed list (reading which months had activations meant a
        DISTINCT over every agreement on each page load); older months stay reachable by `?month=YYYY-MM`."""
        return [(month.strftime("%Y-%m"), month.strftime("%m/%Y")) for month in reversed(last_months(36))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year, month = (int(part) for part in self.value().split("-"))
            start = timezone.make_aware(timezone.datetime(year, month, 1))
        except ValueError:
            return queryset.none()
        end = timezone.make_aware(timezone.datetime(year + month // 12, month % 12 + 1, 1))
        return queryset.filter(activated_at__gte=start, activated_at__lt=end)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the enterprise)"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )


@admin.register(Agreement)
class AgreementAdmin(SubjectExportMixin, ReadOnlyAdminMixin, ServiceActionMixin, ExportMixin, ScopedModelAdmin):
    list_display = [
        "reference",
        "number",
        "company_name",
        "tax_code",
        "status",
        "signed_at",
        "activated_at",
        "branch",
        "current_text_accepted",
    ]
    list_filter = [
        "status",
        ActivatedMonthFilter,
        # Every branch, from the small branch table: "only branches with agreements" joined every agreement to
        # its enterprise (DISTINCT) on each page load.
        ("enterprise__branch", admin.RelatedFieldListFilter),
        ("signed_at", admin.DateFieldListFilter),
        "source",
        "signature_method",
        CurrentTextAcceptedFilter,
    ]
    list_select_related = ["enterprise", "enterprise__branch"]
    search_fields = ["reference", "=number", "enterprise__tax_code", "company_name", "enterprise__name_vi"]
    # No date_hierarchy: its links read DISTINCT years (then months, days) over every agreement; the signing
    # date filter above needs no query, and the default order is served by the `agreement_signed` index.
    inlines = [AgreementEventInline, AgreementTextAcceptanceInline]

    class Media:
        css = {"all": ["partnerships/admin.css"]}

    actions = ["countersign", "reject", "suspend", "reinstate", "terminate"]
    fieldsets = [
        (None, {"fields": ["reference", "status", "number", "enterprise", "source", "language"]}),
        (_("As signed by the enterprise"), {"fields": list(SIGNED_DETAILS)}),
        (
            _("Evidence of the signature"),
            {
                "fields": [
                    "template_version",
                    "template_sha256",
                    "signed_at",
                    "signed_ip",
                    "signed_user_agent",
                    "confirm_expires_at",
                    "email_confirmed_at",
                    "signature_method",
                    "signer_certificate",
                    "signed_document_link",
                ]
            },
        ),
        (
            _("Countersignature"),
            {
                "fields": [
                    "activated_at",
                    "countersigned_by",
                    "ended_at",
                    "reason",
                    "certificate_link",
                    "certificate_sha256",
                    "certificate_seal_fingerprint",
                ]
            },
        ),
    ]

    # Buttons on an agreement's page: the decisions its status allows (each runs the list action of that name).
    DECISIONS = {
        AgreementStatus.PENDING_REVIEW: ["countersign", "reject"],
        AgreementStatus.ACTIVE: ["suspend", "terminate"],
        AgreementStatus.SUSPENDED: ["reinstate", "terminate"],
    }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        agreement = self.get_object(request, object_id)
        decisions = []
        if agreement is not None and self.has_decide_permission(request):
            actions = self.get_actions(request)
            decisions = [
                (name, actions[name][2]) for name in self.DECISIONS.get(agreement.status, []) if name in actions
            ]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "decisions": decisions})

    def get_queryset(self, request):
        return with_current_text_accepted(super().get_queryset(request))

    def changelist_rows(self, queryset):
        """The listed columns only (and the row's text, for its checkbox): an agreement keeps its signature's
        evidence and every detail as signed, and 100 of them with their enterprises (every column) took 11 ms
        to read on the big set against the demo's 44, for ten cells a row."""
        return queryset.only(
            "reference",
            "number",
            "company_name",
            "status",
            "signed_at",
            "activated_at",
            "enterprise__tax_code",
            "enterprise__branch__code",
        )

    @admin.display(description=_("current text accepted"), boolean=True, ordering="accepted_current_text")
    def current_text_accepted(self, obj):
        return obj.accepted_current_text if obj.status in (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED) else None

    @admin.display(description=_("digitally signed agreement (PDF)"))
    def signed_document_link(self, obj):
        if not obj.signed_document:
            return "–"
        url = reverse("admin:partnerships_agreement_signed_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the file signed by the enterprise"))

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_decide_permission(self, request):
        return request.user.has_perm("partnerships.decide_agreement")

    @admin.display(description=_("tax code"), ordering="enterprise__tax_code")
    def tax_code(self, obj):
        return obj.enterprise.tax_code

    @admin.display(description=_("branch of registration"), ordering="enterprise__branch__code")
    def branch(self, obj):
        return obj.enterprise.branch.code if obj.enterprise.branch_id else "–"

    @admin.display(description=_("certificate (PDF)"))
    def certificate_link(self, obj):
        if not obj.certificate:
            return "–"
        url = reverse("admin:partnerships_agreement_certificate", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the certificate"))

    def get_urls(self):
        return [
            path(
                "<int:object_id>/certificate/",
                self.admin_site.admin_view(self.certificate_view),
                name="partnerships_agreement_certificate",
            ),
            path(
                "<int:object_id>/signed-document/",
                self.admin_site.admin_view(self.signed_document_view),
                name="partnerships_agreement_signed_document",
            ),
            *super().get_urls(),
        ]

    def certificate_view(self, request, object_id: int):
        return self._file_response(request, object_id, "certificate", "thoa-thuan-hop-tac-{number}.pdf")

    def signed_document_view(self, request, object_id: int):
        return self._file_response(request, object_id, "signed_document", "thoa-thuan-ky-so-{reference}.pdf")

    def _file_response(self, request, object_id: int, field: str, filename: str):
        agreement = self.get_object(request, str(object_id))
        if agreement is None or not self.has_view_permission(request, agreement) or not getattr(agreement, field):
            raise Http404
        return FileResponse(
            getattr(agreement, field).open("rb"),
            as_attachment=True,
            filename=filename.format(number=agreement.number, reference=agreement.reference),
            content_type="application/pdf",
        )

    def _apply(self, request, queryset, service, done_message, **kwargs):
        self.run_per_row(
            request,
            queryset,
            lambda agreement: service(agreement_id=agreement.pk, actor=request.user, **kwargs),
            done_message,
            label=lambda agreement: agreement.reference,
        )

    def _with_reason(self, request, queryset, service, title, done_message):
        """Ask for the reason on an intermediate page, then apply the service to each agreement."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._apply(request, queryset, service, done_message, reason=form.cleaned_data["reason"])
            return None
        return TemplateResponse(
            request,
            "admin/partnerships/agreement/decision_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "agreements": queryset,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Countersign (activate and send the certificate)"), permissions=["decide"])
    def countersign(self, request, queryset):
        """One agreement at once; several as a background job, since each one renders its certificate."""
        ids = list(queryset.values_list("pk", flat=True))
        if len(ids) == 1:
            self._apply(request, queryset, services.agreement_countersign, _("%(count)d agreement(s) countersigned."))
            return None
        from django.http import HttpResponseRedirect

        from customs_feedback.core.jobs import job_start
        from partnerships.jobs import COUNTERSIGN

        job = job_start(kind=COUNTERSIGN, user=request.user, params={"agreement_ids": ids}, total=len(ids))
        self.message_user(request, _("Countersigning %(count)d agreements in the background.") % {"count": len(ids)})
        return HttpResponseRedirect(reverse("admin_job", args=[job.pk]))

    @admin.action(description=_("Reject (with reason)"), permissions=["decide"])
    def reject(self, request, queryset):
        return self._with_reason(
            request, queryset, services.agreement_reject, _("Reject agreements"), _("%(count)d agreement(s) rejected.")
        )

    @admin.action(description=_("Suspend (with reason)"), permissions=["decide"])
    def suspend(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            services.agreement_suspend,
            _("Suspend agreements"),
            _("%(count)d agreement(s) suspended."),
        )

    @admin.action(description=_("Lift the suspension"), permissions=["decide"])
    def reinstate(self, request, queryset):
        self._apply(request, queryset, services.agreement_reinstate, _("%(count)d agreement(s) in force again."))

    @admin.action(description=_("Terminate (with reason)"), permissions=["decide"])
    def terminate(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            services.agreement_terminate,
            _("Terminate agreements"),
            _("%(count)d agreement(s) terminated."),
        )
