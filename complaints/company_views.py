"""The enterprise portal's inquiries section: the company's inquiries with their answers, and a new one
prefilled with the signed-in user's company (registered with the portal shell in apps.py).

The signed-in user comes from the request (`request.enterprise_member`), so this app imports no other."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints import selectors, services
from complaints.forms import InquiryForm


def _prefill(request) -> dict:
    member = request.enterprise_member
    enterprise = member.enterprise
    return {
        "name": enterprise.name_vi or enterprise.name_en or member.name,
        "email": member.email,
        "phone": enterprise.phone,
        "tax_code": enterprise.tax_code,
        "declaration_number": request.GET.get("declaration", "")[:12],
    }


def inquiries_section(request):
    member = request.enterprise_member
    tax_code = member.enterprise.tax_code
    form = InquiryForm(request.POST or None, request.FILES or None, initial=_prefill(request))
    form.fields["tax_code"].disabled = True  # always the signed-in company's
    status = 200
    if request.method == "POST":
        if not member.may_ask:
            return HttpResponseForbidden(_("Your role in the company cannot send inquiries; ask a manager."))
        if form.is_valid():
            try:
                inquiry = services.inquiry_submit(
                    **{**form.submission(), "tax_code": tax_code},
                    language=get_language(),
                    ip=request.META.get("REMOTE_ADDR"),
                )
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_messages)
            else:
                messages.success(
                    request,
                    _("Thank you. Your inquiry has been received; its tracking code is %(code)s.")
                    % {"code": inquiry.tracking_code},
                )
                return redirect(reverse("enterprise:section", args=["inquiries"]) + f"#{inquiry.tracking_code}")
        status = 400
    return render(
        request,
        "enterprise/inquiries.html",
        {
            "inquiries": selectors.company_inquiries(tax_code=tax_code),
            "form": form,
            "may_ask": member.may_ask,
            "section_slug": "inquiries",
        },
        status=status,
    )


def inquiries_summary(request) -> list[dict]:
    inquiries = selectors.company_inquiries(tax_code=request.enterprise_member.enterprise.tax_code)
    answered = sum(1 for inquiry in inquiries if inquiry["answer"])
    url = reverse("enterprise:section", args=["inquiries"])
    return [
        {"label": _("Inquiries sent"), "value": len(inquiries), "url": url},
        {"label": _("Answered"), "value": answered, "url": url},
    ]
