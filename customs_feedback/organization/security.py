"""Staff account safety: lockout after failed sign-ins, two-factor sign-in, session lifetimes."""

from __future__ import annotations

from datetime import datetime

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from customs_feedback.organization.roles import Role, user_roles


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout for sign-ins over HTTP; programmatic authenticate() calls have no request
    to count against and are not a guessing channel, so they pass through to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: a clear, translated page instead of a bare 403."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "admin/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes, "title": _("Account locked")},
        status=403,
    )


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The admin sign-in: password, plus the authenticator code once the account has a TOTP device."""

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": gettext_lazy("Enter the 6-digit code from your authenticator app."),
        "invalid_token": gettext_lazy("That code is not valid. Check your authenticator app and try again."),
    }

    def _chosen_device(self, user):
        # Staff have one authenticator each (see the set-up page), so the form needs no device picker.
        return super()._chosen_device(user) or next(devices_for_user(user, confirmed=True), None)

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return self.cleaned_data


def requires_two_factor(user) -> bool:
    return Role.DEPARTMENT_LEADERSHIP in user_roles(user) or user_has_device(user, confirmed=True)


class StaffSessionMiddleware:
    """For staff: end idle sessions and sessions past their absolute lifetime; hold staff who must use
    two-factor sign-in at the set-up page until they have verified a device."""

    EXEMPT_URL_NAMES = ("admin:login", "admin:logout", "admin:jsi18n", "two_factor_setup", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _exempt(self, request) -> bool:
        return request.path in {reverse(name) for name in self.EXEMPT_URL_NAMES}

    def _check(self, request, user):
        now = timezone.now()
        session = request.session
        started = session.setdefault("staff_session_started", now.isoformat())
        last_seen = session.get("staff_last_seen", started)
        idle = now - datetime.fromisoformat(last_seen)
        age = now - datetime.fromisoformat(started)
        if idle > settings.STAFF_SESSION_IDLE_TIMEOUT or age > settings.STAFF_SESSION_MAX_AGE:
            logout(request)
            messages.warning(request, _("Your session has ended for security. Please sign in again."))
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        session["staff_last_seen"] = now.isoformat()
        if self._exempt(request) or not request.path.startswith(reverse("admin:index")):
            return None
        if requires_two_factor(user) and not user.is_verified():
            if user_has_device(user, confirmed=True):
                logout(request)
                return redirect(f"{reverse('admin:login')}?next={request.path}")
            messages.info(request, _("Your role requires two-factor sign-in. Set it up to continue."))
            return redirect("two_factor_setup")
        return None
