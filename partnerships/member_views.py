"""Enterprise portal pages of the partnerships app: sign-in by emailed code, invitations, and the company's
agreement, people, notices and settings sections (registered with the portal shell in apps.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import add_service_errors
from customs_feedback.throttling import client_ip
from partnerships import member_selectors as selectors
from partnerships import members
from partnerships import sign_in as sign_in_service
from partnerships.member_forms import CodeForm, InviteForm, MemberSignForm, SettingsForm, SignInForm
from partnerships.middleware import SESSION_KEY
from partnerships.models import AgreementStatus
from partnerships.services import template_current, verify_url
from partnerships.text_acceptance import pending_acceptance_path
from partnerships.views import certificate_response

PENDING_KEY = "enterprise_sign_in_pending"
# While one of these is open, a company cannot sign another agreement.
OPEN_AGREEMENT_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED, AgreementStatus.PENDING_REVIEW)


def add_errors(form, error: ValidationError | DomainError) -> None:
    """Show a service's ValidationError (field by field where it can) or DomainError on the form."""
    if isinstance(error, ValidationError):
        add_service_errors(form, error)
    else:
        form.add_error(None, error.message)


def _staff_refusal(request):
    if request.user.is_authenticated:
        return _("You are signed in to the back office. Staff accounts never act for an enterprise: sign out first.")
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Step 1: tax code and email. The answer is the same whether or not the email belongs to the company."""
    if request.enterprise_member:
        return redirect("enterprise:home")
    form = SignInForm(request.POST or None, initial={key: request.GET.get(key, "") for key in ("tax_code", "email")})
    refusal = _staff_refusal(request)
    status = 200
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            sign_in_service.sign_in_start(**form.cleaned_data, ip=client_ip(request))
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
            status = getattr(error, "status_code", 400)
        else:
            request.session[PENDING_KEY] = {**form.cleaned_data, "next": request.GET.get("next", "")}
            return redirect("enterprise:sign_in_code")
    elif request.method == "POST":
        status = 403 if refusal else 400
    return render(request, "enterprise/sign_in.html", {"form": form, "refusal": refusal}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """Step 2: the six-digit code from the email starts the company session."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("enterprise:sign_in")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid() and not _staff_refusal(request):
        try:
            member = sign_in_service.sign_in_verify(
                tax_code=pending["tax_code"],
                email=pending["email"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
            status = getattr(error, "status_code", 400)
        else:
            request.session.cycle_key()  # a new session id at sign-in: no fixation
            request.session.pop(PENDING_KEY, None)
            request.session[SESSION_KEY] = member.pk
            request.session.set_expiry(settings.ENTERPRISE_SESSION_HOURS * 3600)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = ""
            return redirect(target or reverse("enterprise:home"))
    elif request.method == "POST":
        status = 400
    return render(request, "enterprise/sign_in_code.html", {"form": form, "pending": pending}, status=status)


@require_POST
def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    messages.info(request, _("You have signed out."))
    return redirect("enterprise:sign_in")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """GET shows the invitation and a button; only the POST accepts it (mail scanners prefetch links)."""
    error, accepted, invited = "", None, None
    try:
        if request.method == "POST":
            accepted = members.invitation_accept(token=token)
        else:
            invited = members.invitation_for_token(token=token).member
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    return render(
        request,
        "enterprise/invitation.html",
        {"error": error, "accepted": accepted, "invited": invited},
        status=400 if error else 200,
    )


@require_GET
def certificate(request):
    """The certificate PDF of the signed-in company's agreement in force (nobody else's)."""
    member = request.enterprise_member
    if not member:
        return redirect("enterprise:sign_in")
    agreement = selectors.company_agreement(member=member)
    if agreement is None or not agreement.certificate:
        raise Http404
    return certificate_response(agreement)


# --- sections of the company's home (registered in apps.py) -------------------------------------


def agreement_section(request):
    member = request.enterprise_member
    agreement = selectors.company_agreement(member=member)
    may_sign = member.may_manage and (agreement is None or agreement.status not in OPEN_AGREEMENT_STATUSES)
    form = MemberSignForm(
        request.POST or None,
        initial={
            "representative_name": member.enterprise.representative_name or member.name,
            "representative_title": member.enterprise.representative_title,
        },
    )
    status = 200
    if request.method == "POST":
        if not may_sign:
            messages.error(
                request, _("Only a manager can sign, and only when no agreement is in force or under review.")
            )
            return redirect("enterprise:section", "agreement")
        if form.is_valid():
            try:
                members.agreement_sign_as_member(
                    actor=member,
                    **form.cleaned_data,
                    ip=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except (ValidationError, DomainError) as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The agreement is signed and sent to the department for review."))
                return redirect("enterprise:section", "agreement")
        status = 400
    template = None
    if may_sign:
        try:
            template = template_current()
        except DomainError:
            template = None
    return render(
        request,
        "enterprise/agreement.html",
        {
            "agreement": agreement,
            "verify_url": verify_url(agreement) if agreement and agreement.number else "",
            "text_to_accept_url": pending_acceptance_path(agreement) if member.may_manage else "",
            "may_sign": may_sign and template is not None,
            "template": template,
            "form": form,
            "section_slug": "agreement",
        },
        status=status,
    )


def agreement_summary(request) -> list[dict]:
    agreement = selectors.company_agreement(member=request.enterprise_member)
    if agreement is None:
        return [{"label": _("Partnership agreement"), "value": _("Not signed yet")}]
    figures = [{"label": _("Status"), "value": agreement.get_status_display()}]
    if agreement.number:
        figures.append({"label": _("Agreement number"), "value": agreement.number})
    if agreement.certificate:
        figures.append(
            {"label": _("Certificate"), "value": _("Download (PDF)"), "url": reverse("enterprise:certificate")}
        )
    if agreement.number:
        figures.append({"label": _("Verification page"), "value": _("Open the page"), "url": verify_url(agreement)})
    return figures


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", str(error))


def people_section(request):
    member = request.enterprise_member
    action = request.POST.get("action", "")
    form = InviteForm(request.POST if action == "invite" else None)
    status = 200
    if request.method == "POST" and action == "invite":
        try:
            if form.is_valid():
                sent = members.member_invite(actor=member, **form.cleaned_data)
                messages.success(request, _("An invitation was sent to %(email)s.") % {"email": sent.member.email})
                return redirect("enterprise:section", "people")
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        status = 400
    elif request.method == "POST":
        try:
            member_id = int(request.POST.get("member_id") or 0)
            if action == "remove":
                members.member_remove(actor=member, member_id=member_id)
                messages.success(request, _("The user was removed."))
            elif action == "role":
                members.member_set_role(actor=member, member_id=member_id, role=request.POST.get("role", ""))
                messages.success(request, _("The role was changed."))
        except ValueError:
            messages.error(request, _("No such user in your company."))
        except (ValidationError, DomainError) as error:
            messages.error(request, _error_text(error))
        return redirect("enterprise:section", "people")
    return render(
        request,
        "enterprise/people.html",
        {
            "users": selectors.company_users(member=member),
            "events": selectors.company_events(member=member),
            "form": form,
            "roles": members.MemberRole.choices,
            "section_slug": "people",
        },
        status=status,
    )


def people_summary(request) -> list[dict]:
    users = selectors.company_users(member=request.enterprise_member)
    return [{"label": _("Active users"), "value": users.filter(status="active").count()}]


def notices_section(request):
    if request.method == "POST":
        raise Http404
    return render(
        request,
        "enterprise/notices.html",
        {"notices": selectors.company_notices(member=request.enterprise_member), "section_slug": "notices"},
    )


def settings_section(request):
    member = request.enterprise_member
    enterprise = member.enterprise
    form = SettingsForm(
        request.POST or None,
        initial={
            "language": enterprise.language,
            "phone": enterprise.phone,
            "rating_invitations": enterprise.rating_invitations,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                members.enterprise_settings_update(actor=member, **form.cleaned_data)
            except (ValidationError, DomainError) as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("enterprise:section", "settings")
        status = 400 if form.errors else 403
    return render(
        request,
        "enterprise/settings.html",
        {"form": form, "enterprise": enterprise, "section_slug": "settings", "may_manage": member.may_manage},
        status=status,
    )
