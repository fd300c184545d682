"""Portal pages: the inquiry form, the private tracking page, the public FAQ."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from complaints import selectors, services
from complaints.forms import FaqSearchForm, InquiryForm, ReplyForm, TrackingLookupForm
from customs_feedback.forms import add_service_errors
from customs_feedback.throttling import client_ip, lookup_throttled, portal_throttled, throttled_page


def _private_link(inquiry) -> str:
    return reverse("complaints:track", args=[inquiry.tracking_code, services.tracking_token(inquiry.tracking_code)])


@require_http_methods(["GET", "POST"])
def inquiry_submit(request):
    form = InquiryForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if portal_throttled(request, "inquiry_portal", settings.INQUIRY_PORTAL_RATE):
            form.add_error(None, _("Too many submissions from your address. Please try again later."))
            return render(request, "complaints/submit.html", {"form": form}, status=429)
        if form.is_valid() and form.cleaned_data["website"].strip():
            form.add_error(None, _("This submission looks automated and was not accepted."))
        elif form.is_valid():
            try:
                inquiry = services.inquiry_submit(**form.submission(), language=get_language(), ip=client_ip(request))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you. Your inquiry has been received; its tracking code is %(code)s.")
                    % {"code": inquiry.tracking_code},
                )
                return redirect(_private_link(inquiry))
        status = 400
    else:
        status = 200
    return render(request, "complaints/submit.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def tracking_lookup(request):
    """Code and email in a POST body (not in the address, where logs would keep the email)."""
    if request.method == "POST" and lookup_throttled(request):
        return throttled_page(request)
    form = TrackingLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        inquiry = selectors.inquiry_for_tracking(
            tracking_code=form.cleaned_data["tracking_code"], email=form.cleaned_data["email"]
        )
        if inquiry is not None:
            return redirect(_private_link(inquiry))
        form.add_error(None, _("No inquiry matches this tracking code and email."))
        return render(request, "complaints/track_lookup.html", {"form": form}, status=404)
    return render(request, "complaints/track_lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def tracking_page(request, tracking_code: str, token: str):
    if not services.tracking_token_valid(tracking_code, token):
        raise Http404
    inquiry = selectors.inquiry_by_code(tracking_code=tracking_code)
    if inquiry is None:
        raise Http404
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST" and portal_throttled(request, "inquiry_portal", settings.INQUIRY_PORTAL_RATE):
        form.add_error(None, _("Too many submissions from your address. Please try again later."))
        status = 429
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.inquiry_reply(inquiry_id=inquiry.pk, text=form.cleaned_data["text"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your message has been added. We will answer it."))
                return redirect(request.path)
        status = 400
    context = {
        "inquiry": selectors.inquiry_public_view(inquiry),
        "form": form,
        "can_reply": inquiry.status in ("new", "assigned", "answered"),
    }
    return render(request, "complaints/track.html", context, status=status)


@require_GET
def faq(request):
    form = FaqSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.faq_search(filters={"q": q}), 20).get_page(request.GET.get("page"))
    return render(request, "complaints/faq.html", {"form": form, "page": page, "q": q})
