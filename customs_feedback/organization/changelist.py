"""Changelist rows worked out once per page's columns, not once per cell: the HTML Django's admin renders, cheaper.

For every cell of every row, Django's `items_for_result` finds out again what the column is (a field, its
choices, a relation, a method), its empty-value text and its CSS classes; for the row's link it reverses the
change URL, then resolves that URL again to add the list's filters. On a full page (100 ratings, 50 inquiries) that
row loop was most of the request, and the demo pages have few rows, so the big set's pages cost up to 2.4× theirs.
Here the columns are worked out once per page (`_Column`) and each cell is only its value, formatted by the same
Django functions; a row is handed to the template as one piece of HTML. Anything this does not cover (editable
lists) is left to Django. `tests/core/test_changelist_rows.py` compares the table with Django's for the main lists.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.templatetags.admin_list import ResultList, _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def per_page(factory):
    """Mark a list column's admin method with `factory(model_admin)`, which returns the function of a row that
    RowLinkChangeList calls instead of the method, built once per page: what is the same on every row (a translated
    label, a related row's markup) is worked out once per page, not per row. The function must return what the
    method returns; the method stays what Django's own ChangeList, the exports and the tests call."""

    def mark(method):
        method.per_page = factory
        return method

    return mark


@dataclass(frozen=True)
class _Column:
    name: object  # a field or attribute name, or a callable
    css_class: str  # "field-<name>", as Django names the cell
    link_tag: str  # "th" or "td" when the cell links to the row's change page, else ""
    field: models.Field | None  # a concrete model field, shown as display_for_field shows it; None: Django's lookup
    choices: dict | None  # the field's flattened choices, their labels translated and escaped once per page
    relation: bool  # a foreign key: the related row's text
    nowrap: bool  # a date, time or foreign-key field (Django adds "nowrap" to these cells)
    # A day, a yes/no or a related row repeats down a page: each distinct value (a related row's key) is formatted
    # once per page (a date's formatting was the dearest part of a row left, then the related rows' text).
    shown_once: dict | None = None
    # The admin's method (or the callable) the column shows, found once per page as lookup_field finds it for
    # every cell; with its `boolean` and `empty_value_display`. None: lookup_field per cell (a model attribute).
    method: object = None
    boolean: bool = False
    method_empty: str | None = None
    # A moment's column: the active language's DATETIME_FORMAT as a strftime pattern, when it has only the
    # number fields strftime writes the same way (see _strftime_pattern); None: Django's formatting per cell.
    strftime: str | None = None
    # A moment's column: the time zone template_localtime converts to, read once per page (None: no conversion,
    # USE_TZ off).
    zone: datetime.tzinfo | None = None
    # Text (a CharField or TextField without choices, not a URL): shown as it is, escaped.
    text: bool = False


class RowLinkChangeList(ChangeList):
    """Django's changelist, with each row's cells from `rows()` (see the module) and its link built from one URL
    reversed per page.

    The first row's link is built exactly as Django builds it (the change URL with the list's filters added by
    `add_preserved_filters`), around a placeholder for the key; every row substitutes its own key. The filters
    being in the link already, `preserved_filters`, which Django's own row loop alone reads, is emptied.
    """

    _KEY = "0rowkey0"  # letters and digits only: reverse() and the query string leave it as it is

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_link_filters, self.preserved_filters = self.preserved_filters, ""
        self._row_link = None

    def get_results(self, request):
        """The page's rows as the admin reads them for display (`changelist_rows`); the actions read theirs again
        through get_queryset, unchanged."""
        rows_for_display = getattr(self.model_admin, "changelist_rows", None)
        if rows_for_display is not None:
            self.queryset = rows_for_display(self.queryset)
        super().get_results(request)

    def url_for_result(self, result):
        key = getattr(result, self.pk_attname)
        if not isinstance(key, int):  # text keys go through admin's quote(): leave them to Django
            return self._with_filters(super().url_for_result(result))
        if self._row_link is None:
            link = self._with_filters(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=(self._KEY,),
                    current_app=self.model_admin.admin_site.name,
                )
            )
            self._row_link = link.partition(self._KEY)[::2]
        before, after = self._row_link
        return f"{before}{key}{after}"

    def _with_filters(self, url: str) -> str:
        return add_preserved_filters({"preserved_filters": self.row_link_filters, "opts": self.opts}, url)

    # --- the rows --------------------------------------------------------------------------------------

    def rows(self) -> list[ResultList] | None:
        """Each row as one piece of HTML (its cells, as Django's `items_for_result` renders them); None for an
        editable list, which Django renders with its forms."""
        if self.formset:
            return None
        columns = self._columns()
        empty = self.model_admin.get_empty_value_display()
        self._empty_cell = conditional_escape(empty)
        return [ResultList(None, [self._row(result, columns, empty)]) for result in self.result_list]

    def _columns(self) -> list[_Column]:
        columns = []
        first = True  # as in items_for_result: the first linked cell is a <th>
        for index, name in enumerate(self.list_display):
            link = self._links(first, name)
            link_tag = ("th" if first else "td") if link else ""
            first = first and not link
            field = _shown_field(self.lookup_opts, name)
            choices = _choices(field)
            relation = field is not None and isinstance(field.remote_field, models.ManyToOneRel)
            method = self._method(name) if field is None else None
            moment = isinstance(field, models.DateTimeField) and not choices
            columns.append(
                _Column(
                    name=name,
                    css_class=f"field-{_coerce_field_name(name, index)}",
                    link_tag=link_tag,
                    field=field,
                    choices=choices,
                    relation=relation,
                    nowrap=isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)),
                    shown_once={} if relation or _repeats(field) or getattr(method, "boolean", False) else None,
                    method=self._row_function(method),
                    boolean=getattr(method, "boolean", False),
                    method_empty=getattr(method, "empty_value_display", None),
                    strftime=_strftime_pattern() if moment else None,
                    zone=timezone.get_current_timezone() if moment and settings.USE_TZ else None,
                    text=_plain_text(field) and not choices,
                )
            )
        return columns

    def _method(self, name):
        """What lookup_field calls for a column that is no model field: the callable itself or the admin's method
        of that name; None for anything else (a model attribute, property or automatic field)."""
        try:
            _get_non_gfk_field(self.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name):
                return name
            if name != "__str__" and hasattr(self.model_admin, name):
                return getattr(self.model_admin, name)
        return None

    def _row_function(self, method):
        """The method itself, or the function of a row its `per_page` factory builds for this page."""
        factory = getattr(method, "per_page", None)
        return method if factory is None else factory(self.model_admin)

    def _links(self, is_first: bool, name) -> bool:
        if self.list_display_links is None:
            return False
        if is_first and not self.list_display_links:
            return True
        return name in self.list_display_links

    def _row(self, result, columns: list[_Column], empty: str) -> SafeString:
        cells = []
        for column in columns:
            classes, shown = self._cell(result, column, empty)
            if column.link_tag:
                shown = self._linked(result, shown)
                cells.append(f'<{column.link_tag} class="{classes}">{shown}</{column.link_tag}>')
            else:
                cells.append(f'<td class="{classes}">{shown}</td>')
        return mark_safe("".join(cells))  # noqa: S308 - every value above went through conditional_escape

    def _cell(self, result, column: _Column, empty: str) -> tuple[str, str]:
        """The cell's classes and its escaped content, as items_for_result decides them."""
        field = column.field
        if column.method is not None:
            return self._method_cell(result, column, empty)
        if column.relation:
            return self._relation_cell(result, column, empty)
        try:
            if field is None:
                _field, attr, value = lookup_field(column.name, result, self.model_admin)
            else:
                value = getattr(result, column.name)
        except ObjectDoesNotExist:
            return column.css_class, self._empty_cell
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if field is None:  # a property or automatic field
            classes = "action-checkbox" if column.name == "action_checkbox" else column.css_class
            boolean = getattr(attr, "boolean", False)
            if isinstance(attr, property) and hasattr(attr, "fget"):
                boolean = getattr(attr.fget, "boolean", False)
            shown = display_for_value(value, getattr(attr, "empty_value_display", empty), boolean)
            if isinstance(value, (datetime.date, datetime.time)):
                classes += " nowrap"
            return classes, _escaped(shown)
        return self._field_cell(column, value, empty)

    def _field_cell(self, column: _Column, value, empty: str) -> tuple[str, str]:
        """A concrete field's cell: display_for_field's text, with what repeats worked out once per page."""
        field = column.field
        classes = f"{column.css_class} nowrap" if column.nowrap else column.css_class
        if column.choices is not None:
            try:
                return classes, column.choices.get(value, self._empty_cell)
            except TypeError:  # an unhashable value: Django's own path
                shown = display_for_field(value, field, empty, avoid_link=bool(column.link_tag))
        elif value is None and not isinstance(field, models.BooleanField):
            return classes, self._empty_cell  # display_for_field's empty value (a yes/no shows its icon)
        elif column.text and type(value) is str:  # display_for_field's str(value), or its empty value for ""
            return classes, html.escape(value) if value else self._empty_cell
        elif column.strftime is not None and isinstance(value, datetime.datetime) and value.year >= 1000:
            shown = _moment(column, value)
        elif column.shown_once is not None:
            shown = column.shown_once.get(value)
            if shown is None:
                shown = column.shown_once[value] = conditional_escape(
                    display_for_field(value, field, empty, avoid_link=bool(column.link_tag))
                )
            return classes, shown
        else:
            shown = display_for_field(value, field, empty, avoid_link=bool(column.link_tag))
        return classes, _escaped(shown)

    def _method_cell(self, result, column: _Column, empty: str) -> tuple[str, str]:
        """A method's cell, as the other path shows it, without looking the method up again."""
        try:
            value = column.method(result)
        except ObjectDoesNotExist:
            return column.css_class, self._empty_cell
        classes = "action-checkbox" if column.name == "action_checkbox" else column.css_class
        if column.boolean:  # a yes/no icon (its static URL looked up: 40 µs a cell) once per value and page
            try:
                shown = column.shown_once.get(value)
            except TypeError:  # unhashable: as display_for_value shows it
                return classes, _escaped(display_for_value(value, column.method_empty or empty, True))
            if shown is None:
                shown = column.shown_once[value] = _escaped(
                    display_for_value(value, column.method_empty or empty, True)
                )
            return classes, shown
        if isinstance(value, SafeString) and value.strip():
            return classes, value  # markup (the checkbox, a branch's code): display_for_value and escaping keep it
        if isinstance(value, str) and value.strip() == "":
            value = ""
        shown = display_for_value(value, column.method_empty or empty, column.boolean)
        if isinstance(value, (datetime.date, datetime.time)):
            classes += " nowrap"
        return classes, _escaped(shown)

    def _relation_cell(self, result, column: _Column, empty: str) -> tuple[str, str]:
        """A foreign key's cell: the related row's text, once per related row on the page (the same key is the
        same row of the same query)."""
        key = getattr(result, column.field.attname)
        cell = column.shown_once.get(key)
        if cell is None:
            try:
                related = getattr(result, column.name)
            except ObjectDoesNotExist:  # a dangling key: Django's cell has no "nowrap" then
                cell = (column.css_class, self._empty_cell)
            else:
                cell = (f"{column.css_class} nowrap", conditional_escape(empty if related is None else related))
            column.shown_once[key] = cell
        return cell

    def _linked(self, result, shown: str) -> str:
        try:
            url = self.url_for_result(result)
        except NoReverseMatch:
            return shown
        popup = ""
        if self.is_popup:
            value = result.serializable_value(str(self.to_field) if self.to_field else self.lookup_opts.pk.attname)
            popup = f' data-popup-opener="{conditional_escape(value)}"'
        return f'<a href="{html.escape(url)}"{popup}>{shown}</a>'


def _moment(column: _Column, value: datetime.datetime) -> str:
    """display_for_field's localize(template_localtime(value)), the format and the time zone read once per page:
    Django's dateformat took 20 µs a cell, the dearest cell of a rating's row, then looking the current time zone
    up again per cell 10 µs."""
    if column.zone is not None and value.utcoffset() is not None and getattr(value, "convert_to_local_time", True):
        value = value.astimezone(column.zone)
    return value.strftime(column.strftime)


def _escaped(shown) -> str:
    """conditional_escape, without its lazy-string wrapper for a plain string (the same text: Django's escape is
    html.escape of the string)."""
    return html.escape(shown) if type(shown) is str else conditional_escape(shown)


def _shown_field(opts, name) -> models.Field | None:
    """The model field a column shows through display_for_field, as lookup_field and items_for_result find it;
    None for what they show through display_for_value (methods, properties, automatic fields)."""
    if callable(name):
        return None
    try:
        field = _get_non_gfk_field(opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        return None
    return None if field.auto_created else field


# Django date format characters that strftime writes identically (zero-padded numbers) for years from 1000.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


def _strftime_pattern() -> str | None:
    """The active DATETIME_FORMAT as a strftime pattern, or None when it has anything else (names, escapes)."""
    pattern = []
    for char in get_format("DATETIME_FORMAT"):
        if char in _STRFTIME:
            pattern.append(_STRFTIME[char])
        elif char.isalpha() or char in "\\%":
            return None
        else:
            pattern.append(char)
    return "".join(pattern)


def _plain_text(field: models.Field | None) -> bool:
    """A text field display_for_field shows as the text itself (a URL becomes a link)."""
    return isinstance(field, (models.CharField, models.TextField)) and not isinstance(field, models.URLField)


def _repeats(field: models.Field | None) -> bool:
    """A day (not a moment) or a yes/no: few distinct values on a page."""
    date_only = isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
    return date_only or isinstance(field, models.BooleanField)


def _choices(field: models.Field | None) -> dict | None:
    if field is None or not field.flatchoices:
        return None
    try:
        return {value: conditional_escape(label) for value, label in field.flatchoices}
    except TypeError:  # unhashable choices: display_for_field's own path, per cell
        return None
