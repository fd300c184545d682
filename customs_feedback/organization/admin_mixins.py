"""Admin plumbing every app reuses so that each changelist, form and lookup goes through for_user."""

from __future__ import annotations

from django.contrib import admin

from customs_feedback.organization.scoping import for_user, is_scoped


class ScopedAdminMixin:
    """Limit the changelist, change views, autocomplete and foreign-key choices to the user's scope."""

    def get_queryset(self, request):
        return for_user(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and is_scoped(db_field.related_model):
            formfield.queryset = for_user(request.user, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and is_scoped(db_field.related_model):
            formfield.queryset = for_user(request.user, formfield.queryset)
        return formfield


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(admin.TabularInline):
    """Event history: shown, never edited."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
