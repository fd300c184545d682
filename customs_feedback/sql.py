"""Pieces of hand-written SQL built from the models, so a statement follows the model when a field is added."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import ForeignObjectRel
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init
from psycopg.sql import Literal

M = TypeVar("M", bound=models.Model)


def unsaved(model: type[M], **values: Any) -> M:
    """`model(**values)`, each value given by attname (`branch_id`, not `branch`), built as Django builds a row
    it has read: positionally, a field not given taking its default. Django's keyword path raises and catches
    a KeyError for each field left out (two for a foreign key): for a rating, 5 % of its POST."""
    row = [
        values.pop(attname) if attname in values else (default() if is_callable else default)
        for attname, is_callable, default in _defaults(model)
    ]
    if values:
        raise TypeError(f"{model.__name__} has no field {', '.join(values)}")
    attnames = _plain_attnames(model)
    if attnames is None or pre_init.receivers or post_init.receivers:
        return model(*row)
    # What Model.__init__ does with a full row when nothing listens to its signals and every field is a plain
    # attribute: a new state, then each value under its attname (Django through setattr and, for a foreign
    # key, its descriptor, which on a new instance only sets it). That call was 4 % of a rating POST's samples.
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(zip(attnames, row, strict=True))
    return instance


@cache
def _plain_attnames(model: type[models.Model]) -> tuple[str, ...] | None:
    """The concrete fields' attnames, when `unsaved` may set them directly: the model keeps Django's __init__
    and each field's attribute is stored as it is (no descriptor that converts or tracks a value set, as a
    file field's does). None otherwise."""
    if model.__init__ is not models.Model.__init__ or model._meta.abstract:
        return None
    attnames = tuple(field.attname for field in model._meta.concrete_fields)
    for attname in attnames:
        descriptor = getattr(model, attname, None)
        if hasattr(descriptor, "__set__") and not isinstance(descriptor, ForeignKeyDeferredAttribute):
            return None
    return attnames


@cache
def _defaults(model: type[models.Model]) -> tuple[tuple[str, bool, Any], ...]:
    """Per concrete field: its attname, whether its default is made anew each time, and that default or the
    function that makes it. A plain default value (or None, or "" for a field without one) is the same object
    every time in Django too (`Field._get_default`); a callable default or a database default is made anew."""
    return tuple(
        (field.attname, True, field.get_default)
        if _made_each_time(field)
        else (field.attname, False, field.get_default())
        for field in model._meta.concrete_fields
    )


def _made_each_time(field: models.Field) -> bool:
    return field.db_default is not models.NOT_PROVIDED or (field.has_default() and callable(field.default))


def insert_parts(
    instance: models.Model, *, sql: Mapping[str, str] | None = None, typed: bool = False
) -> tuple[str, str, list[Any]]:
    """The column list, the value list and its parameters that insert `instance` as `save()` would.

    Every concrete field but the primary key is written, its value prepared by the field itself (defaults,
    `auto_now`, normalisation), as Django's insert compiler does; a field named (by attname) in `sql` takes
    that SQL expression instead of a parameter, e.g. a column of another part of the same statement.
    `typed`: each placeholder says its column's type (`typed_placeholder`), for a server-binding cursor.
    """
    columns, values, fields = _insert_shape(type(instance), tuple(sorted((sql or {}).items())), typed)
    connection = connections[DEFAULT_DB_ALIAS]
    return columns, values, [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


def prepared_cursor():
    """A cursor on which a statement run again and again is prepared once per connection: PostgreSQL's
    server-binding cursor (customs_feedback.db_backends.postgresql), Django's own cursor elsewhere. Every
    placeholder of a statement run on it must say its type where PostgreSQL cannot infer it (`typed_placeholder`)."""
    connection = connections[DEFAULT_DB_ALIAS]
    return (getattr(connection, "server_binding_cursor", None) or connection.cursor)()


def typed_placeholder(field: models.Field | ForeignObjectRel) -> str:
    """`%s` cast to the type of the field's column (`_column_type`). A server-binding cursor needs it
    wherever PostgreSQL cannot infer a parameter's type, as in `INSERT … SELECT %s`.

    Takes what `_meta.get_field` gives; a reverse relation has no column of its own and is refused."""
    return f"%s::{_column_type(field)}"


def sql_literals(instance: models.Model, attnames: Iterable[str]) -> dict[str, str]:
    """`{attname: SQL literal}` of the named fields of `instance`, each value prepared as `insert_parts` prepares
    it and cast to its column's type (as `typed_placeholder`): for `insert_parts(sql=…)` in a fixed statement whose
    values for these fields are the same on every run, written into its text once instead of passed (and
    converted) as parameters each run. PostgreSQL's literal syntax."""
    connection = connections[DEFAULT_DB_ALIAS]
    literals = {}
    for attname in attnames:
        field = instance._meta.get_field(attname)  # by attname too (`actor_id`)
        prepared = field.get_db_prep_save(field.pre_save(instance, True), connection)
        literals[attname] = f"{Literal(prepared).as_string()}::{_column_type(field)}"
    return literals


def _column_type(field: models.Field | ForeignObjectRel) -> str:
    """The type of the field's column without its modifiers (`varchar`, not `varchar(32)`: a cast to a length
    would cut a longer value, where the column refuses it)."""
    if not isinstance(field, models.Field):
        raise TypeError(f"{field!r} is a reverse relation, not a column")
    return field.db_type(connections[DEFAULT_DB_ALIAS]).split("(", 1)[0]


@cache
def _insert_shape(
    model: type[models.Model], sql: tuple[tuple[str, str], ...], typed: bool = False
) -> tuple[str, str, list[models.Field]]:
    """The columns and values of an insert of `model` (the same for every row), and the fields given as parameters."""
    expressions = dict(sql)
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns, values, fields = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.db_default is not models.NOT_PROVIDED or field.generated:
            raise ValueError(f"insert_parts() does not write {field} (a database default or a generated column)")
        columns.append(quote(field.column))
        if field.attname in expressions:
            values.append(expressions[field.attname])
            continue
        values.append(typed_placeholder(field) if typed else "%s")
        fields.append(field)
    return ", ".join(columns), ", ".join(values), fields
