from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from customs_feedback.organization.admin_mixins import (
    AuditedAdminMixin,
    ExportMixin,
    ScopedModelAdmin,
    SuperuserOnlyAdminMixin,
)
from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.organization.roles import Role


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["code", "name_vi", "name_en", "is_active"]


@admin.register(Branch)
class BranchAdmin(AuditedAdminMixin, ScopedModelAdmin):
    list_display = ["code", "name_vi", "name_en", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_vi", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "name_vi", "name_en", "address", "is_active"]}),
    ]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, ScopedModelAdmin):
    list_display = ["code", "name_vi", "branch", "is_active"]
    list_filter = ["is_active", "branch"]
    list_select_related = ["branch"]
    search_fields = ["code", "name_vi", "name_en", "branch__code"]
    autocomplete_fields = ["branch"]


@admin.register(Official)
class OfficialAdmin(ExportMixin, AuditedAdminMixin, ScopedModelAdmin):
    list_display = ["code", "full_name", "title", "branch", "team", "user", "is_active"]
    list_filter = ["is_active", "branch"]
    list_select_related = ["branch", "team", "user"]
    search_fields = ["code", "full_name", "email", "user__username"]
    autocomplete_fields = ["branch", "team", "user"]
    fieldsets = [
        (None, {"fields": ["code", "full_name", "title", "email", "is_active"]}),
        (_("Placement"), {"fields": ["branch", "team"]}),
        (_("Staff account"), {"fields": ["user"]}),
    ]


# System administration stays with the system administrator; role and account changes are audited.
for model in (Group, User, TokenProxy, APIKey, AccessLog, AccessFailureLog, TOTPDevice, AccessAttempt):
    admin.site.unregister(model)


@admin.register(Group)
class RoleAdmin(SuperuserOnlyAdminMixin, AuditedAdminMixin, GroupAdmin):
    pass


class RoleFilter(admin.SimpleListFilter):
    """Roles by their names in the reader's language (a role's group is named by its code)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() in Role.values else queryset


@admin.register(User)
class StaffAccountAdmin(SuperuserOnlyAdminMixin, AuditedAdminMixin, UserAdmin):
    list_filter = ["is_staff", "is_superuser", "is_active", RoleFilter]
    readonly_fields = ["last_login", "date_joined"]  # recorded by the system, never typed in


admin.site.register(TokenProxy, type("ApiTokenAdmin", (SuperuserOnlyAdminMixin, TokenAdmin), {}))
admin.site.register(APIKey, type("ApiKeyAdmin", (SuperuserOnlyAdminMixin, APIKeyModelAdmin), {}))
admin.site.register(AccessLog, type("SignInLogAdmin", (SuperuserOnlyAdminMixin, AccessLogAdmin), {}))
admin.site.register(AccessFailureLog, type("FailedSignInAdmin", (SuperuserOnlyAdminMixin, AccessFailureLogAdmin), {}))
admin.site.register(TOTPDevice, type("AuthenticatorAdmin", (SuperuserOnlyAdminMixin, TOTPDeviceAdmin), {}))


@admin.register(AccessAttempt)
class LockedAccountAdmin(ScopedModelAdmin, AccessAttemptAdmin):
    """Department leadership unlock a locked account by deleting its failed attempts."""


def _name_third_party_models_in_our_languages() -> None:
    """The system administrator's third-party apps carry English-only names (or none): give them ours."""
    from django.apps import apps

    app_names = {
        "rest_framework_api_key": _("API keys"),
        "authtoken": _("API sign-in tokens"),
        "axes": _("Sign-in protection"),
        "otp_totp": _("Two-factor sign-in"),
    }
    for label, name in app_names.items():
        apps.get_app_config(label).verbose_name = name
    model_names = {
        APIKey: (_("API key"), _("API keys")),
        TokenProxy: (_("API sign-in token"), _("API sign-in tokens")),
        AccessAttempt: (_("locked sign-in"), _("locked sign-ins")),
        AccessFailureLog: (_("failed sign-in"), _("failed sign-ins")),
        AccessLog: (_("sign-in record"), _("sign-in records")),
        TOTPDevice: (_("authenticator app"), _("authenticator apps")),
    }
    for model, (singular, plural) in model_names.items():
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural


_name_third_party_models_in_our_languages()
