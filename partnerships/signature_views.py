"""Portal pages of signatures: check a copy of a certificate; sign the MoU with the company's certificate."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import add_service_errors
from customs_feedback.throttling import client_ip, portal_throttled
from partnerships import digital_signing, services
from partnerships.forms import DocumentUploadForm, EnterpriseDetailsForm, SignedAgreementUploadForm
from partnerships.models import Agreement, SignatureMethod
from partnerships.verification import document_verify, read_pdf_upload


@require_http_methods(["GET", "POST"])
def document_verify_page(request):
    """Upload a copy of a certificate: is the department's seal intact, which agreement, in force today?"""
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if portal_throttled(request, "signature_verify"):  # the API's budget per address
            form.add_error(None, _("Too many requests from your connection. Please try again in a while."))
            status = 429
        elif form.is_valid():
            try:
                result = document_verify(pdf=read_pdf_upload(form.cleaned_data["file"]))
            except ValidationError as error:
                add_service_errors(form, error)
        if result is None and status == 200:
            status = 400
    return render(request, "partnerships/verify_document.html", {"form": form, "result": result}, status=status)


def _language() -> str:
    return get_language() if get_language() in ("vi", "en") else "vi"


def _digital_page(request, *, details=None, upload=None, status=200):
    language = _language()
    details = details or EnterpriseDetailsForm(initial={"language": language}, auto_id="download_%s")
    upload = upload or SignedAgreementUploadForm(initial={"language": language}, auto_id="upload_%s")
    try:
        template = services.template_current()
    except DomainError as error:
        return render(request, "partnerships/unavailable.html", {"message": error.message}, status=503)
    context = {"details": details, "upload": upload, "template": template}
    return render(request, "partnerships/sign_digital.html", context, status=status)


@require_GET
def digital_agreement_download(request):
    """The prefilled agreement as PDF (a read: nothing is stored until the signed file comes back)."""
    details = EnterpriseDetailsForm(request.GET, auto_id="download_%s")
    if details.is_valid():
        try:
            pdf = digital_signing.prefilled_agreement_pdf(**details.cleaned_data)
        except ValidationError as error:
            add_service_errors(details, error)
        except DomainError as error:
            details.add_error(None, error.message)
        else:
            response = HttpResponse(pdf, content_type="application/pdf")
            filename = f"thoa-thuan-hop-tac-{details.cleaned_data['tax_code']}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    return _digital_page(request, details=details, status=400)


@require_http_methods(["GET", "POST"])
def digital_agreement_sign(request):
    """Step 1: download the prefilled agreement; step 2: upload it signed with the company's certificate."""
    if request.method == "GET":
        return _digital_page(request)
    upload = SignedAgreementUploadForm(request.POST, request.FILES, auto_id="upload_%s")
    if portal_throttled(request, "public_submit"):
        upload.add_error(None, _("Too many requests from your connection. Please try again in a while."))
        return _digital_page(request, upload=upload, status=429)
    if upload.is_valid():
        try:
            agreement = digital_signing.agreement_sign_digital(
                pdf=read_pdf_upload(upload.cleaned_data["file"]),
                email=upload.cleaned_data["email"],
                language=upload.cleaned_data["language"],
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationError as error:
            add_service_errors(upload, error)
        except DomainError as error:
            upload.add_error(None, error.message)
        else:
            return redirect("partnerships:digital_received", reference=agreement.reference)
    return _digital_page(request, upload=upload, status=400)


@require_GET
def digital_agreement_received(request, reference: str):
    agreement = Agreement.objects.filter(reference=reference, signature_method=SignatureMethod.DIGITAL).first()
    return render(
        request, "partnerships/signed_digital.html", {"agreement": agreement}, status=200 if agreement else 404
    )
