"""Pieces of hand-written SQL built from the models, so a statement follows the model when a field is added."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection, models


def insert_parts(instance: models.Model, *, sql: Mapping[str, str] | None = None) -> tuple[str, str, list[Any]]:
    """The column list, the value list and its parameters that insert `instance` as `save()` would.

    Every concrete field but the primary key is written, its value prepared by the field itself (defaults,
    `auto_now`, normalisation), as Django's insert compiler does; a field named (by attname) in `sql` takes
    that SQL expression instead of a parameter, e.g. a column of another part of the same statement.
    """
    sql = sql or {}
    columns, values, params = [], [], []
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.db_default is not models.NOT_PROVIDED or field.generated:
            raise ValueError(f"insert_parts() does not write {field} (a database default or a generated column)")
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in sql:
            values.append(sql[field.attname])
            continue
        values.append("%s")
        params.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return ", ".join(columns), ", ".join(values), params
