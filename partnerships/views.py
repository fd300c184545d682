"""Portal pages: sign the agreement, confirm the email (GET shows, POST confirms), verify a certificate."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import add_service_errors, refusal_text
from customs_feedback.throttling import client_ip, lookup_throttled, portal_throttled, throttled_page
from partnerships import selectors, services, text_acceptance
from partnerships.forms import SignForm


@require_http_methods(["GET", "POST"])
def agreement_sign(request):
    try:
        template = services.template_current()
    except DomainError as error:
        return render(request, "partnerships/unavailable.html", {"message": error.message}, status=503)
    language = get_language() if get_language() in ("vi", "en") else "vi"
    form = SignForm(request.POST or None, initial={"language": language})
    # The portal form shares the API's public submission budget per client address.
    if request.method == "POST" and portal_throttled(request, "public_submit"):
        form.add_error(None, _("Too many requests from your connection. Please try again in a while."))
        return render(
            request,
            "partnerships/sign.html",
            {"form": form, "template": template, "language": language, "stats": selectors.partnership_stats()},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        try:
            signed = services.agreement_sign(
                **form.cleaned_data,
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("partnerships:signed", reference=signed.agreement.reference)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "partnerships/sign.html",
        {"form": form, "template": template, "language": language, "stats": selectors.partnership_stats()},
        status=status,
    )


@require_GET
def agreement_signed(request, reference: str):
    return render(
        request, "partnerships/signed.html", {"reference": reference, "hours": settings.PARTNERSHIP_CONFIRM_LINK_HOURS}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def agreement_confirm(request, token: str):
    """GET shows the request and a button; only the POST confirms (mail scanners prefetch links)."""
    error = None
    agreement = None
    confirmed = False
    try:
        if request.method == "POST":
            agreement = services.agreement_confirm(token=token)
            confirmed = True
        else:
            agreement = services.agreement_for_token(token=token)
    except ValidationError as invalid:
        error = refusal_text(invalid)
    return render(
        request,
        "partnerships/confirm.html",
        {"agreement": agreement, "error": error, "confirmed": confirmed},
        status=400 if error else 200,
    )


@require_GET
def agreement_verify(request, reference: str):
    if lookup_throttled(request):
        return throttled_page(request)
    agreement = selectors.agreement_for_verification(reference=reference)
    return render(
        request,
        "partnerships/verify.html",
        {
            "agreement": agreement,
            "in_force": selectors.agreement_in_force(agreement),
        },
        status=200 if agreement else 404,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def agreement_text_accept(request, token: str):
    """GET shows the new text and a button; only the POST records the acceptance (mail scanners prefetch)."""
    agreement = template = error = None
    accepted = False
    try:
        agreement, template = text_acceptance.acceptance_request(token=token)
        if request.method == "POST":
            text_acceptance.agreement_text_accept(
                token=token, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
            )
            accepted = True
        else:
            accepted = agreement.text_acceptances.filter(template=template).exists()
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    language = agreement.language if agreement else "vi"
    return render(
        request,
        "partnerships/accept_text.html",
        {"agreement": agreement, "template": template, "language": language, "error": error, "accepted": accepted},
        status=400 if error else 200,
    )


def certificate_response(agreement) -> FileResponse:
    """The agreement's certificate PDF as a download (the caller has decided the reader may have it)."""
    return FileResponse(
        agreement.certificate.open("rb"),
        as_attachment=True,
        filename=f"thoa-thuan-hop-tac-{agreement.number}.pdf",
        content_type="application/pdf",
    )
