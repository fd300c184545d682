"""Two-factor sign-in set-up for staff (TOTP, any authenticator app)."""

from __future__ import annotations

from io import BytesIO

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


class ConfirmDeviceForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("6-digit code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _qr_svg(data: str) -> str:
    import qrcode.image.svg  # imported where used: the URL configuration loads this module

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    # Our own generated SVG (no user input in it); inline so no extra request is needed.
    return mark_safe(buffer.getvalue().decode().split("?>", 1)[-1])  # noqa: S308


def _manual_key(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it when typed, in groups of four letters."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@staff_member_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = ConfirmDeviceForm(request.POST if request.POST.get("action") == "confirm" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and confirmed is None:
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
            return redirect("two_factor_setup")
        if action == "confirm" and pending is not None and form.is_valid():
            if pending.verify_token(form.cleaned_data["token"]):
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                otp_login(request, pending)
                messages.success(request, _("Two-factor sign-in is on. You will be asked for a code at each sign-in."))
                return redirect("admin:index")
            form.add_error("token", _("That code is not valid. Check your authenticator app and try again."))
    context = {
        **admin.site.each_context(request),
        "title": _("Two-factor sign-in"),
        "confirmed": confirmed,
        "pending": pending,
        "form": form,
        "qr_svg": _qr_svg(pending.config_url) if pending else "",
        "manual_key": _manual_key(pending) if pending else "",
    }
    return render(request, "admin/two_factor_setup.html", context)
