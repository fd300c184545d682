"""One shape for every state change.

Statuses are data: each app keeps its allowed transitions as a plain table (`transitions.py`). Every
status-bearing model keeps its history in a subclass of `StatusEvent` whose foreign key to the model is
named by `related_name="events"`, and every change of status goes through `transition()`: lock, check the
table, save the named fields, write the event row. Notices are queued by the caller in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

from django.conf import settings
from django.db import connection, models
from django.db.models import ForeignObjectRel
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_feedback.exceptions import InvalidTransition
from customs_feedback.sql import insert_parts, prepared_cursor
from customs_feedback.text import NFCTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import User

STATUS_LENGTH = 32
Actor: TypeAlias = "User | None"  # the staff user who made the change; None for the system

Allowed = Mapping[Any, Collection[str]]  # keys are a TextChoices' members or plain strings
M = TypeVar("M", bound=models.Model)


class StatusEvent(models.Model):
    """One change of a record's status: who, when, from, to, why (a note alone keeps from = to)."""

    at = models.DateTimeField(gettext_lazy("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("by"),
    )
    from_status = models.CharField(gettext_lazy("from"), max_length=STATUS_LENGTH, blank=True)
    to_status = models.CharField(gettext_lazy("to"), max_length=STATUS_LENGTH)
    note = NFCTextField(gettext_lazy("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self._status_label('from_status') or '–'} → {self._status_label('to_status')}"

    def _status_label(self, name: str) -> str:
        value = getattr(self, name)
        return str(dict(_field(type(self), name).flatchoices).get(value, value))


def status_fields(statuses: type[models.TextChoices]) -> tuple[models.CharField, models.CharField]:
    """`from_status` and `to_status` with the model's status choices, so event rows show labels, not codes."""
    return (
        models.CharField(gettext_lazy("from"), max_length=STATUS_LENGTH, choices=statuses.choices, blank=True),
        models.CharField(gettext_lazy("to"), max_length=STATUS_LENGTH, choices=statuses.choices),
    )


def _field(model: type[models.Model], name: str) -> models.Field:
    return cast(models.Field, model._meta.get_field(name))


def _status_labels(model: type[models.Model]) -> dict[str, str]:
    return {value: str(label) for value, label in _field(model, "status").flatchoices}


def ensure_transition(allowed: Allowed, current: str, target: str, *, labels=None, message: str | None = None) -> None:
    """Raise InvalidTransition unless `allowed[current]` contains `target`.

    `message` may name the current status as `%(status)s` for a sentence that fits the action.
    """
    if target in allowed.get(current, ()):
        return
    label = labels or {}
    if message is not None:
        raise InvalidTransition(message % {"status": label.get(current, current)})
    raise InvalidTransition(
        _("Cannot change the status from “%(current)s” to “%(target)s”.")
        % {"current": label.get(current, current), "target": label.get(target, target)}
    )


def record_event(
    obj: models.Model, *, to_status: str, from_status: str = "", actor: Actor = None, note: str = "", **extra: Any
) -> StatusEvent:
    """Write one event row of `obj` (its StatusEvent subclass is found through `related_name="events"`)."""
    relation = cast(ForeignObjectRel, obj._meta.get_field("events"))
    event_model = cast(type[StatusEvent], relation.related_model)
    return event_model._default_manager.create(
        **{relation.field.name: obj},
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=(note or "")[:2000],
        **extra,
    )


def create_with_event(obj: M, *, to_status: str, actor: Actor = None, note: str = "") -> M:
    """Insert the new `obj` with its first event row (as `obj.save()` then `record_event()` would).

    On PostgreSQL both rows go in one statement (one round trip, no ORM compilation per request); the
    columns and values come from the models, so a field added later is written too.
    """
    _insert_with_event([obj], to_status=to_status, actor=actor, note=note)
    return obj


def create_with_event_once(obj: M, *, unique: str, to_status: str) -> M | None:
    """As `create_with_event`, unless a row with the same value of the unique field `unique` exists: then
    nothing is written and None is returned (on PostgreSQL in the same statement, ON CONFLICT DO NOTHING)."""
    return obj if _insert_with_event([obj], to_status=to_status, unique=unique)[0] else None


def create_all_with_event_once(objs: Sequence[M], *, unique: str, to_status: str) -> list[M]:
    """`create_with_event_once` for several new objects of one model, in order: on PostgreSQL all rows and their
    events in one statement. Returns the objects written (not those whose `unique` value was already taken, by
    an existing row or an earlier object of `objs`)."""
    written = _insert_with_event(objs, to_status=to_status, unique=unique)
    return [obj for obj, was_written in zip(objs, written, strict=True) if was_written]


def _insert_with_event(
    objs: Sequence[models.Model], *, to_status: str, actor: Actor = None, note: str = "", unique: str = ""
) -> list[bool]:
    if not objs:
        return []
    if not unique and len(objs) > 1:
        raise ValueError("several objects are inserted by their unique field (see create_all_with_event_once)")
    model = type(objs[0])
    relation = cast(ForeignObjectRel, model._meta.get_field("events"))
    event_model = cast(type[StatusEvent], relation.related_model)
    event = event_model(actor=actor, from_status="", to_status=to_status, note=(note or "")[:2000])
    if connection.vendor != "postgresql":
        return [_insert_with_event_orm(obj, event, relation, unique) for obj in objs]
    quote = connection.ops.quote_name
    pk = quote(cast(str, cast(models.Field, model._meta.pk).column))
    rows, params = [], []
    for obj in objs:
        columns, values, row_params = insert_parts(obj, typed=True)
        rows.append(f"({values})")
        params.extend(row_params)
    event_columns, event_values, event_params = insert_parts(event, sql={relation.field.attname: f"o.{pk}"}, typed=True)
    unique_column = quote(cast(str, _field(model, unique).column)) if unique else ""
    conflict = f"ON CONFLICT ({unique_column}) DO NOTHING " if unique else ""
    # Each new row returns its primary key with its unique value, which says which object it was.
    returned = f"{pk}, {unique_column}" if unique else pk
    sql = (
        f"WITH o AS (INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join(rows)} "  # noqa: S608
        f"{conflict}RETURNING {returned}), "
        f"e AS (INSERT INTO {quote(event_model._meta.db_table)} ({event_columns}) SELECT {event_values} FROM o) "
        f"SELECT {returned} FROM o"
    )
    # Prepared once per connection (one text per model and number of rows): a low rating's case is written on the
    # rating POST, whose PostgreSQL time went 6 % to planning it and the case's look-up.
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, *event_params])
        found = cursor.fetchall()
    if not unique:  # one object (create_with_event), always inserted
        keys: dict[Any, Any] = {None: found[0][0]}
        positions: list[Any] = [None]
    else:
        keys = {row[1]: row[0] for row in found}
        positions = [getattr(obj, unique) for obj in objs]
    written = []
    for obj, position in zip(objs, positions, strict=True):
        new_pk = keys.pop(position, None)  # a value given twice in `objs` is written for its first object only
        if new_pk is not None:
            obj.pk = new_pk
            obj._state.adding, obj._state.db = False, connection.alias
        written.append(new_pk is not None)
    return written


def _insert_with_event_orm(obj: models.Model, event: StatusEvent, relation: ForeignObjectRel, unique: str) -> bool:
    if unique and type(obj)._default_manager.filter(**{unique: getattr(obj, unique)}).exists():
        return False
    obj.save(force_insert=True)
    event.pk, event._state.adding = None, True
    setattr(event, relation.field.name, obj)
    event.save(force_insert=True)
    return True


def record_note(obj: models.Model, *, actor: Actor = None, note: str, **extra: Any) -> StatusEvent:
    """An event that changes no status (findings recorded, escalated, …): from and to are the current status."""
    status = obj.status  # type: ignore[attr-defined]
    return record_event(obj, from_status=status, to_status=status, actor=actor, note=note, **extra)


def transition(
    obj: M,
    to: str,
    *,
    allowed: Allowed,
    actor: Actor = None,
    note: str = "",
    fields: Mapping[str, Any] | None = None,
    message: str | None = None,
    event_fields: Mapping[str, Any] | None = None,
) -> M:
    """Move `obj` to status `to` inside the caller's transaction and return it.

    Locks the row (re-reading its status with SELECT … FOR UPDATE, so a stale instance cannot skip a
    check), checks `allowed`, sets and saves only `fields` plus the status (and `updated_at` when the model
    has one), and writes the event row. `event_fields` fills extra columns of the event (e.g. `attempt`).
    """
    model = type(obj)
    current = model._default_manager.select_for_update().values_list("status", flat=True).get(pk=obj.pk)
    ensure_transition(allowed, current, to, labels=_status_labels(model), message=message)
    changed = dict(fields or {})
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.status = to  # type: ignore[attr-defined]
    update_fields = [*changed, "status"]
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)
    record_event(obj, from_status=current, to_status=to, actor=actor, note=note, **(event_fields or {}))
    return obj
