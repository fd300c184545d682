"""DRF authentication and permissions of the enterprise API: `Authorization: Bearer <token>`.

The request's user stays anonymous (an enterprise user is not a Django account, so no staff endpoint ever
accepts it); the company user is `request.auth`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from partnerships.member_selectors import member_for_token


class EnterpriseBearerAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        member = member_for_token(key=header[1].decode(errors="replace"))
        if member is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid or has expired. Please sign in again."))
        return AnonymousUser(), member

    def authenticate_header(self, request) -> str:
        return self.keyword


class IsCompanyUser(permissions.BasePermission):
    message = _("Sign in as a user of the enterprise first.")

    def has_permission(self, request, view) -> bool:
        return getattr(request.auth, "is_active", False) is True and hasattr(request.auth, "enterprise_id")


class MayRate(IsCompanyUser):
    message = _("Your role in the company cannot rate declarations; ask a manager.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.auth.may_rate


class EnterpriseBearerScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the enterprise token."""

    target_class = "partnerships.enterprise_auth.EnterpriseBearerAuthentication"
    name = "EnterpriseBearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token of POST /api/v1/enterprise/sign-in/verify/ (a signed-in company user).",
        }
