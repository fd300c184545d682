"""Admin plumbing every app reuses so that each changelist, form and lookup goes through for_user."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext as _

from customs_feedback.core.paginators import EstimatedCountPaginator
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
    # Changelists never count a whole big table: no "(N total)" count beside a filtered list, and a long
    # list is counted by the planner's estimate (see EstimatedCountPaginator).
    paginator = EstimatedCountPaginator
    show_full_result_count = False


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


class StatusEventInline(ReadOnlyInline):
    """The history of a status-bearing record (a customs_feedback.workflow.StatusEvent subclass)."""

    fields = ["at", "from_status", "to_status", "actor", "note"]


class AuditedAdminMixin:
    """Record who added, changed or deleted a configuration record, field by field (core.ConfigurationChange)."""

    def save_model(self, request, obj, form, change):
        from customs_feedback.core.services import configuration_snapshot

        original = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        request._configuration_before = configuration_snapshot(original) if original is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Many-to-many values (a role's permissions, a user's roles) are saved here, after the record.
        super().save_related(request, form, formsets, change)
        from customs_feedback.core.models import ConfigurationChange
        from customs_feedback.core.services import configuration_change_record, configuration_snapshot

        configuration_change_record(
            actor=request.user,
            obj=form.instance,
            action=ConfigurationChange.Action.CHANGED if change else ConfigurationChange.Action.ADDED,
            before=getattr(request, "_configuration_before", None),
            after=configuration_snapshot(form.instance),
        )

    def delete_model(self, request, obj):
        from customs_feedback.core.models import ConfigurationChange
        from customs_feedback.core.services import configuration_change_record, configuration_snapshot

        configuration_change_record(
            actor=request.user,
            obj=obj,
            action=ConfigurationChange.Action.DELETED,
            before=configuration_snapshot(obj),
            after=None,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        """The admin's History button shows this record's configuration changes, field by field."""
        from django.contrib.admin.utils import unquote
        from django.contrib.contenttypes.models import ContentType
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        from customs_feedback.core.models import ConfigurationChange

        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        changes = ConfigurationChange.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(obj.pk)
        ).select_related("actor")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "object": obj,
            "changes": changes,
            "opts": self.model._meta,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/configuration_history.html", context)


class SuperuserOnlyAdminMixin:
    """System administration (accounts, roles, keys, devices): the system administrator only."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ExportMixin:
    """CSV and XLSX buttons on the changelist, exporting exactly the rows listed: same scope, same filters."""

    change_list_template = "admin/change_list_export.html"
    export_fields: list[str] | None = None  # default: list_display

    def get_export_fields(self, request) -> list[str]:
        return self.export_fields or [name for name in self.get_list_display(request) if name != "action_checkbox"]

    def get_urls(self):
        from django.urls import path

        opts = self.model._meta
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/<str:file_format>/", export, name=f"{opts.app_label}_{opts.model_name}_export"),
            *super().get_urls(),
        ]

    def export_view(self, request, file_format: str):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.utils import timezone

        from customs_feedback.core import exports

        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in {"csv", "xlsx"}:
            raise Http404
        from django.contrib.admin.options import IncorrectLookupParameters
        from django.http import HttpResponseBadRequest

        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest()
        filename = f"{self.model._meta.model_name}-{timezone.localdate():%Y%m%d}"
        build = exports.csv_response if file_format == "csv" else exports.xlsx_response
        return build(self, queryset, self.get_export_fields(request), filename)
