"""Ratings: an enterprise's rating of a cleared declaration, and staff verifying or rejecting it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_feedback.exceptions import Conflict, DomainError, PermissionDenied
from customs_feedback.sql import insert_parts, prepared_cursor, sql_literals, typed_placeholder, unsaved
from customs_feedback.validators import DECLARATION_NUMBER
from customs_feedback.workflow import record_event
from ratings.models import (
    ApiClient,
    Channel,
    Declaration,
    LowScoreReason,
    Rating,
    RatingEvent,
    RatingInvitation,
    RatingStatus,
    any_low_score,
)
from ratings.rollups import rating_counter_sql, rating_counters, rollup_add, rollup_upsert_sql
from ratings.services.cases import case_open
from ratings.services.declaration_rows import _normalized_tax_code
from ratings.services.invitations import invitation_from_token


class AlreadyRated(Conflict):
    default_message = gettext_lazy("This declaration has already been rated.")

    def __init__(self) -> None:
        super().__init__(_("This declaration has already been rated."))


@dataclass(frozen=True)
class RatingInput:
    official_score: Any = None
    team_score: Any = None
    branch_score: Any = None
    reason: str = ""
    comment: str = ""


def clean_rating_input(data: RatingInput) -> dict[str, Any]:
    """Check the scores, reason and comment; raise a ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    scores: dict[str, int | None] = {}
    for name in ("official_score", "team_score", "branch_score"):
        value = getattr(data, name)
        if value in (None, ""):
            scores[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
            errors[name] = [_("A score is a whole number of stars from 1 to 5.")]
            continue
        number = int(value)
        if not 1 <= number <= 5:
            errors[name] = [_("A score is a whole number of stars from 1 to 5.")]
            continue
        scores[name] = number
    if not errors and all(score is None for score in scores.values()):
        errors["non_field_errors"] = [_("Give at least one score: the official, the working team or the branch.")]
    reason = (data.reason or "").strip()
    if reason and reason not in LowScoreReason.values:
        errors["reason"] = [_("Choose a reason from the list.")]
    elif not reason and any_low_score(scores.values()):
        errors["reason"] = [_("Please choose a reason when you give 2 stars or fewer.")]
    comment = (data.comment or "").strip()
    if len(comment) > 2000:
        errors["comment"] = [_("The comment is limited to 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    return {**scores, "reason": reason, "comment": comment}


def rating_submit(
    *,
    declaration_number: str,
    tax_code: str,
    data: RatingInput,
    channel: str = Channel.SOFTWARE,
    invitation: RatingInvitation | None = None,
    submitted_by: ApiClient | None = None,
) -> Rating:
    """Record an enterprise's rating of its cleared declaration; a low score opens a follow-up case."""
    values = clean_rating_input(data)
    if not DECLARATION_NUMBER.match(declaration_number or ""):
        raise ValidationError({"declaration_number": [_("A customs declaration number has exactly 12 digits.")]})
    normalized = _normalized_tax_code((tax_code or "").strip())
    if isinstance(normalized, ValidationError):
        raise ValidationError({"tax_code": normalized.messages})
    tax_code = normalized
    try:
        if _one_statement_suffices(values, invitation):
            return _rating_create(declaration_number, tax_code, values, channel, invitation, submitted_by)
        with transaction.atomic():
            return _rating_create(declaration_number, tax_code, values, channel, invitation, submitted_by)
    except IntegrityError:
        # Two submissions raced past the check; the unique declaration column kept only one.
        if Rating.objects.filter(declaration__number=declaration_number).exists():
            raise AlreadyRated from None
        raise


def _one_statement_suffices(values: dict, invitation: RatingInvitation | None) -> bool:
    """Whether the rating is written by the one PostgreSQL statement alone, which is atomic by itself: no
    transaction (BEGIN, COMMIT: two more round trips) is opened around it. Not when anything else is written
    with it (a low score's case and its notices, an invitation marked used), nor inside a caller's transaction,
    where the rating keeps its savepoint."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and invitation is None
        and not any_low_score(values[name] for name in SCORE_FIELDS)
    )


def _rating_create(
    declaration_number: str,
    tax_code: str,
    values: dict,
    channel: str,
    invitation: RatingInvitation | None,
    submitted_by: ApiClient | None,
) -> Rating:
    now = timezone.now()
    rating = unsaved(
        Rating,
        channel=channel,
        submitted_by_id=submitted_by.pk if submitted_by else None,
        submitted_at=now,
        # The department's day, which the rollups count by (no request activates another zone).
        submitted_on=timezone.localdate(now, timezone.get_default_timezone()),
        **values,
    )
    if connection.vendor == "postgresql":
        _rating_insert_postgresql(rating, declaration_number, tax_code, now)
    else:
        _rating_insert_orm(rating, declaration_number, tax_code, now)
    if invitation is not None:
        RatingInvitation.objects.filter(pk=invitation.pk).update(used_at=now)
    if rating.is_low:
        case_open(rating=rating)
    return rating


def _declaration_check(declaration: _DeclarationRow | None, tax_code: str, now: datetime) -> _DeclarationRow:
    """Refuse a rating of a declaration that is unknown, another enterprise's, not cleared or past the window."""
    if declaration is None:
        raise ValidationError({"declaration_number": [_("No customs declaration has this number.")]})
    if declaration.tax_code != tax_code:
        raise PermissionDenied(_("Only the enterprise that made a declaration can rate it."))
    if declaration.cleared_at is None:
        raise DomainError(_("This declaration has not been cleared yet; it can be rated once it is cleared."))
    if now > declaration.cleared_at + timedelta(days=settings.RATING_WINDOW_DAYS):
        raise DomainError(
            _("The time to rate this declaration has passed: ratings are accepted for %(days)s days after clearance.")
            % {"days": settings.RATING_WINDOW_DAYS}
        )
    return declaration


SCORE_FIELDS = ("official_score", "team_score", "branch_score")


class _DeclarationRow(NamedTuple):
    """What the rating of a declaration reads from it (and its enterprise): under a row lock to rate it, without
    one to name why a rating was refused."""

    id: int
    branch_id: int
    team_id: int
    official_id: int
    cleared_at: datetime | None
    tax_code: str


_DECLARATION_COLUMNS = [*_DeclarationRow._fields[:-1], "enterprise__tax_code"]


def _declaration_row(declaration_number: str, *, lock: bool) -> _DeclarationRow | None:
    declarations = Declaration.objects.select_for_update(of=("self",)) if lock else Declaration.objects
    row = declarations.filter(number=declaration_number).values_list(*_DECLARATION_COLUMNS).first()
    return _DeclarationRow(*row) if row else None


def _rating_insert_orm(rating: Rating, declaration_number: str, tax_code: str, now: datetime) -> None:
    """Lock the declaration, check it, then write the rating, its event and its rollup delta (SQLite)."""
    declaration = _declaration_check(_declaration_row(declaration_number, lock=True), tax_code, now)
    rating.declaration_id = declaration.id
    rating.branch_id, rating.team_id, rating.official_id = declaration[1:4]
    # A second rating is refused by the unique declaration column (see rating_submit), not a query here.
    rating.save(force_insert=True)
    record_event(rating, to_status=RatingStatus.RECEIVED)
    rollup_add({(rating.submitted_on, rating.branch_id, rating.team_id, rating.official_id): rating_counters(rating)})


def _rating_insert_postgresql(rating: Rating, declaration_number: str, tax_code: str, now: datetime) -> None:
    """The same writes as `_rating_insert_orm` in one statement: lock the declaration, insert the rating, its
    event and its rollup deltas (daily and monthly), and return the declaration's row for the checks.

    The statement inserts only when the declaration passes the checks of `_declaration_check` (the same
    conditions, in SQL), so a refused rating writes nothing even when no transaction is open around it (see
    `_one_statement_suffices`). It returns only what an accepted rating needs; a refusal, rare, reads the
    declaration again for the checks to name why. A declaration already rated inserts nothing (ON CONFLICT)
    and is refused here.
    """
    sql, params = _rating_statement(rating, declaration_number, tax_code=tax_code, now=now)
    # Prepared once per connection: planning this statement cost PostgreSQL about twice what running it does.
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or row[-1] is None:  # not inserted: why
        _declaration_check(_declaration_row(declaration_number, lock=False), tax_code, now)
        raise AlreadyRated
    declaration_id, branch_id, team_id, official_id, rating_id = row
    # Into the new instance's attributes directly, as `unsaved` built it: Django's foreign-key descriptors and pk
    # setter look for cached related objects to clear, which a new instance has none of.
    rating.__dict__.update(
        declaration_id=declaration_id, branch_id=branch_id, team_id=team_id, official_id=official_id, id=rating_id
    )
    rating._state.adding, rating._state.db = False, cursor.db.alias


def _rating_statement(
    rating: Rating, declaration_number: str, *, tax_code: str, now: datetime
) -> tuple[str, list[Any]]:
    rating_columns, rating_values, rating_params = insert_parts(rating, sql=_rating_sql_values(), typed=True)
    event_columns, event_values = _received_event_parts()
    key = (rating_columns, rating_values, event_columns, event_values)
    sql = _RATING_SQL.get(key)
    if sql is None:  # the same text for every rating: built once
        sql = _RATING_SQL[key] = _rating_sql(*key)
    window_start = now - timedelta(days=settings.RATING_WINDOW_DAYS)
    return sql, [declaration_number, *rating_params, tax_code, window_start]


# A new rating's review state: every rating starts received, neither rejected nor noted (`_rating_create` never
# sets them). Written into the statement's text, not passed: each parameter is converted on every call.
_STARTS_AT_DEFAULT = ("status", "rejection_reason", "rejection_note", "rejected_at")


@cache
def _rating_sql_values() -> dict[str, str]:
    """The rating's columns the statement writes as SQL: from the declaration, or at their defaults."""
    from_declaration = {name: f"d.{name}" for name in ("branch_id", "team_id", "official_id")}
    return {"declaration_id": "d.id", **from_declaration, **sql_literals(unsaved(Rating), _STARTS_AT_DEFAULT)}


@cache
def _received_event_parts() -> tuple[str, str]:
    """The inserted rating's event, as record_event(rating, to_status=RECEIVED) writes it, at its submission
    moment: the rating's columns from the statement, the rest the same for every rating (literals)."""
    event = RatingEvent(to_status=RatingStatus.RECEIVED)
    from_rating = {"rating_id": "r.id", "at": "r.submitted_at"}
    constants = [
        f.attname for f in RatingEvent._meta.concrete_fields if not f.primary_key and f.attname not in from_rating
    ]
    columns, values, _no_params = insert_parts(event, sql={**from_rating, **sql_literals(event, constants)})
    return columns, values


_RATING_SQL: dict[tuple[str, str, str, str], str] = {}


def _rating_sql(rating_columns: str, rating_values: str, event_columns: str, event_values: str) -> str:
    """The rating statement's text (see `_rating_insert_postgresql`). Every placeholder says its type: the
    statement runs on a server-binding cursor, prepared once per connection."""
    declarations, enterprise_field = Declaration._meta, Declaration._meta.get_field("enterprise")
    enterprises = enterprise_field.related_model._meta
    # The rollups' deltas are worked out from the inserted row, in SQL: no parameter per counter. The month's
    # key is its first day (`month_of`); a date read as a timestamp without a zone, whatever the session's.
    keys, counters = "r.branch_id, r.team_id, r.official_id", rating_counter_sql()
    daily_row = f"SELECT r.submitted_on, {keys}, {counters} FROM r"  # noqa: S608
    monthly_row = f"SELECT date_trunc('month', r.submitted_on::timestamp)::date, {keys}, {counters} FROM r"  # noqa: S608
    # Names from the models, values as parameters.
    return (
        "WITH d AS (SELECT d.id, d.branch_id, d.team_id, d.official_id, d.cleared_at, e.tax_code "  # noqa: S608
        f"FROM {declarations.db_table} d JOIN {enterprises.db_table} e ON e.id = d.enterprise_id "
        f"WHERE d.number = {typed_placeholder(declarations.get_field('number'))} FOR UPDATE OF d), "
        f"r AS (INSERT INTO {Rating._meta.db_table} ({rating_columns}) SELECT {rating_values} FROM d "
        # _declaration_check's conditions: the enterprise's own, cleared, within the window (NULL fails).
        f"WHERE d.tax_code = {typed_placeholder(enterprises.get_field('tax_code'))} "
        f"AND d.cleared_at >= {typed_placeholder(declarations.get_field('cleared_at'))} "
        f"ON CONFLICT (declaration_id) DO NOTHING RETURNING *), "
        f"ev AS (INSERT INTO {RatingEvent._meta.db_table} ({event_columns}) SELECT {event_values} FROM r), "
        f"ru AS ({rollup_upsert_sql(daily_row)}), "
        f"rm AS ({rollup_upsert_sql(monthly_row, monthly=True)}) "
        # The declaration's keys the rating copied, and the rating's id (NULL: refused). Nothing more: psycopg
        # makes a loader for each column of each result.
        "SELECT d.id, d.branch_id, d.team_id, d.official_id, r.id FROM d LEFT JOIN r ON TRUE"
    )


def rating_submit_by_invitation(*, token: str, data: RatingInput) -> Rating:
    """Record a rating made through an emailed link; the link then stops working."""
    invitation = invitation_from_token(token)
    with transaction.atomic():
        # Lock the invitation so two tabs posting the same link record one rating.
        locked = RatingInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at is not None:
            raise DomainError(_("This rating link has already been used. Thank you, your rating was recorded."))
        try:
            return rating_submit(
                declaration_number=invitation.declaration.number,
                tax_code=invitation.enterprise.tax_code,
                data=data,
                channel=Channel.EMAIL_LINK,
                invitation=locked,
            )
        except AlreadyRated:
            raise DomainError(
                _("This rating link has already been used. Thank you, your rating was recorded.")
            ) from None
