"""Admin plumbing every app reuses so that each changelist, form and lookup goes through for_user."""

from __future__ import annotations

import re
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_feedback.core.paginators import EstimatedCountPaginator
from customs_feedback.exceptions import DomainError
from customs_feedback.forms import refusal_text
from customs_feedback.organization.changelist import RowLinkChangeList, per_page
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

    def get_changelist(self, request, **kwargs):
        """Rows rendered per page's columns, links built once (see customs_feedback.organization.changelist)."""
        return RowLinkChangeList

    def changelist_rows(self, queryset):
        """The changelist page's rows as read for display only (never for actions): as they are, unless an admin
        narrows them (see RatingAdmin)."""
        return queryset

    @per_page(lambda model_admin: partial(_action_checkbox, _("Select this object for an action - {}")))
    def action_checkbox(self, obj):
        """The row's selection checkbox, as Django's widget renders it, without a template render per row (a
        third of a 100-row changelist's rendering time went to these) and formatted in one step; on a changelist
        page its label is translated once per page (per_page), not per row."""
        return _action_checkbox(_("Select this object for an action - {}"), obj)

    def get_changelist_form(self, request, **kwargs):
        """Fields edited in the list are named by their column for screen readers (they have no <label>)."""
        form_class = super().get_changelist_form(request, **kwargs)
        for field in form_class.base_fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return form_class


def _action_checkbox(label: str, obj) -> str:
    """The checkbox of `obj`, its `label` (translated, with "{}" for the row's text) given."""
    return mark_safe(  # noqa: S308 - the key and the row's text are escaped, the rest is fixed
        f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{escape(str(obj.pk))}" '
        f'class="action-select" aria-label="{label.format(escape(str(obj)))}">'
    )


class ServiceWrittenAdminMixin:
    """Rows that only services or the system write: never added or deleted by hand in the admin (changes,
    where allowed, go through actions that call services)."""

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(ServiceWrittenAdminMixin):
    """Shown, never changed here: add, change and delete are all refused."""

    def has_change_permission(self, request, obj=None):
        return False


class ServiceActionMixin:
    """Admin actions that run one service on each selected row and report each refusal by row."""

    def run_per_row(self, request, queryset, call, done_message, *, label=str) -> int:
        """`call(row)` for every row; a refusal is reported as `label(row): why`, the successes counted in
        `done_message % {"count": n}` (or `done_message(n)`). Returns how many succeeded."""
        done = 0
        for row in queryset:
            try:
                call(row)
            except (DomainError, ValidationError) as error:
                self.message_user(request, f"{label(row)}: {refusal_text(error)}", messages.ERROR)
            else:
                done += 1
        if done:
            text = done_message(done) if callable(done_message) else done_message % {"count": done}
            self.message_user(request, text, messages.SUCCESS)
        return done


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Event history: shown, never edited."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


class StatusEventInline(ReadOnlyInline):
    """The history of a status-bearing record (a customs_feedback.workflow.StatusEvent subclass).

    Statuses show their labels (the event fields carry the model's choices) and the notes the system
    writes show in the reader's language; the row's own "from → to" caption is hidden (status-history.css).
    """

    fields = ["at", "from_status", "to_status", "actor", "note_text"]
    classes = ["status-history"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "note_text"]

    @admin.display(description=gettext_lazy("note"))
    def note_text(self, event):
        return system_note_in_language(event.note)


# Notes the services write themselves are stored as their English source text and shown translated.
_COUNTERSIGNED = re.compile(r"countersigned, No\. (?P<number>\d+)")


def system_note_in_language(note: str) -> str:
    if not note:
        return ""
    countersigned = _COUNTERSIGNED.fullmatch(note)
    if countersigned:
        return _("countersigned, No. %(number)s") % {"number": countersigned["number"]}
    return _(note)


def branch_column(lookup: str = "branch"):
    """A list column with the branch's office code (its full name on hover), narrow enough for a laptop; on a
    changelist page each branch's markup is formatted once (per_page), not on each of its rows."""
    parts = lookup.split("__")

    def branch_of(obj):
        for part in parts:
            obj = getattr(obj, part, None) if obj is not None else None
        return obj

    def shown(branch) -> str:
        return format_html('<abbr title="{}">{}</abbr>', branch.name, branch.code) if branch else "–"

    def for_page(model_admin):
        by_branch: dict = {}

        def row(obj) -> str:
            branch = branch_of(obj)
            key = None if branch is None else branch.pk
            cell = by_branch.get(key)
            if cell is None:
                cell = by_branch[key] = shown(branch)
            return cell

        return row

    @per_page(for_page)
    @admin.display(description=gettext_lazy("branch"), ordering=f"{lookup}__code")
    def column(self, obj):
        return shown(branch_of(obj))

    return column


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
        from django.conf import settings
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.utils import timezone
        from django.utils.text import slugify

        from customs_feedback.core import exports
        from customs_feedback.text import strip_accents

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
        filename = f"{slugify(strip_accents(str(self.model._meta.verbose_name_plural)))}-{timezone.localdate():%Y%m%d}"
        total = queryset.count()
        if total > settings.EXPORT_INLINE_MAX_ROWS:
            return self._export_in_background(request, file_format, filename, total)
        build = exports.csv_response if file_format == "csv" else exports.xlsx_response
        return build(self, queryset, self.get_export_fields(request), filename)

    def _export_in_background(self, request, file_format: str, filename: str, total: int):
        """A long list is written by a worker; the staff member follows it on the job page and downloads it."""
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        from customs_feedback.core.exports import EXPORT
        from customs_feedback.core.jobs import job_start

        params = {
            "model": self.model._meta.label_lower,
            "query": request.GET.urlencode(),
            "path": request.path,
            "format": file_format,
            "filename": filename,
        }
        job = job_start(kind=EXPORT, user=request.user, params=params, total=total)
        return HttpResponseRedirect(reverse("admin_job", args=[job.pk]))
