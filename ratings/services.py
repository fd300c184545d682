"""Writes: declaration ingestion, ratings, their verification, follow-up cases and invitations."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from customs_feedback.exceptions import Conflict, DomainError, PermissionDenied
from customs_feedback.notifications.services import notify
from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.organization.roles import Role
from customs_feedback.validators import DECLARATION_NUMBER, normalize_tax_code
from customs_feedback.workdays import add_working_days, working_days_between
from customs_feedback.workflow import ensure_transition
from partnerships.models import Enterprise, RatingInvitationMode
from ratings.models import (
    CaseStatus,
    Channel,
    Conclusion,
    Declaration,
    FollowUpCase,
    FollowUpCaseEvent,
    LowScoreReason,
    Rating,
    RatingEvent,
    RatingInvitation,
    RatingStatus,
    RejectionReason,
)
from ratings.rollups import empty_deltas, rating_counters, rollup_add
from ratings.transitions import CASE_ALLOWED, RATING_ALLOWED

logger = logging.getLogger(__name__)

DECLARATION_FIELDS = ("number", "tax_code", "branch_code", "team_code", "official_code", "registered_at", "cleared_at")
MAX_BATCH = 1000


class AlreadyRated(Conflict):
    default_message = "This declaration has already been rated."

    def __init__(self) -> None:
        super().__init__(_("This declaration has already been rated."))


# --- Declarations --------------------------------------------------------------------------------


def local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _parse_moment(value: Any, errors: dict, name: str, *, required: bool) -> datetime | None:
    if value in (None, ""):
        if required:
            errors[name] = [_("This field is required.")]
        return None
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        errors[name] = [_("Use an ISO 8601 date and time, for example 2020-05-04T08:30:00+07:00.")]
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@dataclass
class CleanDeclaration:
    number: str
    tax_code: str
    branch_code: str
    team_code: str
    official_code: str
    registered_at: datetime
    cleared_at: datetime | None


@lru_cache(maxsize=65536)
def _normalized_tax_code(raw: str) -> str | ValidationError:
    """The stored form of a tax code, or the error saying why it is invalid (feeds repeat the same codes)."""
    try:
        return normalize_tax_code(raw)
    except ValidationError as error:
        return error


def clean_declaration_row(
    raw: Any, tax_codes: dict[str, str | ValidationError]
) -> tuple[CleanDeclaration | None, dict]:
    """Check one row's own fields (no database); `tax_codes` caches normalised codes across a batch."""
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("Each declaration must be a JSON object.")]}
    errors: dict[str, list[str]] = {}
    number = str(raw.get("number") or "").strip()
    if not DECLARATION_NUMBER.match(number):
        errors["number"] = [_("A customs declaration number has exactly 12 digits.")]
    raw_tax_code = str(raw.get("tax_code") or "").strip()
    tax_code = tax_codes.get(raw_tax_code)
    if tax_code is None:
        tax_code = tax_codes[raw_tax_code] = _normalized_tax_code(raw_tax_code)
    if isinstance(tax_code, ValidationError):
        errors["tax_code"] = list(tax_code.messages)
    codes = {}
    for name in ("branch_code", "team_code", "official_code"):
        codes[name] = str(raw.get(name) or "").strip()
        if not codes[name]:
            errors[name] = [_("This field is required.")]
    registered_at = _parse_moment(raw.get("registered_at"), errors, "registered_at", required=True)
    cleared_at = _parse_moment(raw.get("cleared_at"), errors, "cleared_at", required=False)
    if registered_at and cleared_at and cleared_at < registered_at:
        errors["cleared_at"] = [_("A declaration cannot be cleared before it was registered.")]
    if errors:
        return None, errors
    return CleanDeclaration(number, tax_code, registered_at=registered_at, cleared_at=cleared_at, **codes), {}  # type: ignore[arg-type]


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict]] = field(default_factory=list)  # (index in the input, errors)


def ensure_enterprises(tax_codes: Iterable[str]) -> dict[str, int]:
    """The enterprise ids of these tax codes, creating records for unknown (valid) codes: two queries."""
    wanted = set(tax_codes)
    known = _ids_by_key(Enterprise, "tax_code", wanted)
    missing = wanted - known.keys()
    if missing:
        now = timezone.now()
        Enterprise.objects.bulk_create(
            [Enterprise(tax_code=code, created_at=now, updated_at=now) for code in sorted(missing)],
            ignore_conflicts=True,
        )
        known.update(Enterprise.objects.filter(tax_code__in=missing).values_list("tax_code", "pk"))
    return known


def _pg_binary(sql: str, params: list) -> list[tuple]:
    """Run SQL with server-side binding and binary parameters (`%b`) on Django's connection and transaction:
    arrays of a thousand values are sent without quoting each one (several times faster than text)."""
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
    if connection.queries_logged:  # visible to DEBUG tooling and assertNumQueries like any other query
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def _ids_by_key(model, field_name: str, keys: set[str]) -> dict[str, int]:
    """{key: pk} for the rows whose `field_name` is in `keys` (one array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        table, column = model._meta.db_table, model._meta.get_field(field_name).column
        return dict(_pg_binary(f"SELECT {column}, id FROM {table} WHERE {column} = ANY(%b::text[])", [list(keys)]))  # noqa: S608
    return dict(model.objects.filter(**{f"{field_name}__in": keys}).values_list(field_name, "pk"))


def _existing_declarations(numbers: list[str]) -> dict[str, tuple]:
    """The rollup key (cleared_on, branch, team, official) of the declarations that exist, locked for the upsert."""
    if connection.vendor == "postgresql":
        rows = _pg_binary(
            "SELECT number, cleared_on, branch_id, team_id, official_id FROM ratings_declaration "
            "WHERE number = ANY(%b::text[]) ORDER BY number FOR UPDATE",
            [numbers],
        )
        return {number: tuple(key) for number, *key in rows}
    rows = Declaration.objects.filter(number__in=numbers).values_list(
        "number", "cleared_on", "branch_id", "team_id", "official_id"
    )
    return {number: tuple(key) for number, *key in rows}


_UPSERT_FIELDS = ["enterprise", "branch", "team", "official", "registered_at", "cleared_at", "cleared_on", "updated_at"]


_WRITE_COLUMNS = [
    "number",
    "enterprise_id",
    "branch_id",
    "team_id",
    "official_id",
    "registered_at",
    "cleared_at",
    "cleared_on",
]


def _write_declarations(records: list[tuple]) -> None:
    """Insert or update by number (records in _WRITE_COLUMNS order): one statement with array parameters on
    PostgreSQL (no model instances, no per-row placeholders), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        now = timezone.now()
        Declaration.objects.bulk_create(
            [
                Declaration(**dict(zip(_WRITE_COLUMNS, record, strict=True)), created_at=now, updated_at=now)
                for record in records
            ],
            batch_size=MAX_BATCH,
            update_conflicts=True,
            unique_fields=["number"],
            update_fields=_UPSERT_FIELDS,
        )
        return
    columns = _WRITE_COLUMNS
    records = sorted(records)  # by number: concurrent batches lock the rows they share in the same order
    types = ["varchar", "bigint", "bigint", "bigint", "bigint", "timestamptz", "timestamptz", "date"]
    arrays = [list(values) for values in zip(*records, strict=True)]
    updates = ", ".join(f"{column} = excluded.{column}" for column in [*columns[1:], "updated_at"])
    _pg_binary(
        f"INSERT INTO {Declaration._meta.db_table} ({', '.join(columns)}, created_at, updated_at) "  # noqa: S608
        f"SELECT *, now(), now() FROM unnest({', '.join(f'%b::{kind}[]' for kind in types)}) "
        f"ON CONFLICT (number) DO UPDATE SET {updates}",
        arrays,
    )


def declarations_upsert(*, rows: Sequence[Any], partial: bool = False, invite: bool = True) -> UpsertResult:
    """Insert or update declarations by number, resolving codes with one query per kind for the batch.

    All or nothing unless `partial`: then invalid rows are skipped and reported, and the rest saved.
    Newly cleared declarations get their rating invitations after commit unless `invite` is off.
    """
    result = UpsertResult()
    tax_codes: dict[str, str | ValidationError] = {}
    cleaned: list[tuple[int, CleanDeclaration]] = []
    for index, raw in enumerate(rows):
        row, errors = clean_declaration_row(raw, tax_codes)
        if errors:
            result.rejected.append((index, errors))
        else:
            cleaned.append((index, row))

    branches = dict(Branch.objects.filter(code__in={row.branch_code for _i, row in cleaned}).values_list("code", "pk"))
    teams = {
        (branch_id, code): pk
        for pk, branch_id, code in Team.objects.filter(
            branch_id__in=branches.values(), code__in={row.team_code for _i, row in cleaned}
        ).values_list("pk", "branch_id", "code")
    }
    officials = {
        code: (pk, branch_id)
        for pk, code, branch_id in Official.objects.filter(
            code__in={row.official_code for _i, row in cleaned}
        ).values_list("pk", "code", "branch_id")
    }
    resolved = []
    for index, row in cleaned:
        errors = {}
        branch_id = branches.get(row.branch_code)
        team_id = teams.get((branch_id, row.team_code))
        official = officials.get(row.official_code)
        if branch_id is None:
            errors["branch_code"] = [_("Unknown branch code %(code)s.") % {"code": row.branch_code}]
        elif team_id is None:
            errors["team_code"] = [
                _("Unknown team code %(code)s in branch %(branch)s.")
                % {"code": row.team_code, "branch": row.branch_code}
            ]
        if official is None:
            errors["official_code"] = [_("Unknown official code %(code)s.") % {"code": row.official_code}]
        elif branch_id is not None and official[1] != branch_id:
            errors["official_code"] = [
                _("Official %(code)s does not belong to branch %(branch)s.")
                % {"code": row.official_code, "branch": row.branch_code}
            ]
        if errors:
            result.rejected.append((index, errors))
        else:
            resolved.append((row, branch_id, team_id, official[0]))  # type: ignore[index]
    result.rejected.sort(key=lambda item: item[0])
    if result.rejected and not partial:
        return result
    if not resolved:
        return result

    # The last row wins when a batch carries the same number twice.
    by_number = {
        row.number: (row, branch_id, team_id, official_id) for row, branch_id, team_id, official_id in resolved
    }
    with transaction.atomic():
        enterprises = ensure_enterprises(row.tax_code for row, *_ids in by_number.values())
        existing = _existing_declarations(list(by_number))
        zone = timezone.get_current_timezone()
        deltas = empty_deltas()
        newly_cleared = []
        records = []
        for number, (row, branch_id, team_id, official_id) in by_number.items():
            cleared_on = row.cleared_at.astimezone(zone).date() if row.cleared_at else None
            before = existing.get(number)
            if before is not None and before[0] is not None:
                deltas[before]["declarations"] -= 1
            if cleared_on is not None:
                deltas[(cleared_on, branch_id, team_id, official_id)]["declarations"] += 1
                if before is None or before[0] is None:
                    newly_cleared.append(number)
            records.append(
                (
                    number,
                    enterprises[row.tax_code],
                    branch_id,
                    team_id,
                    official_id,
                    row.registered_at,
                    row.cleared_at,
                    cleared_on,
                )
            )
        _write_declarations(records)
        rollup_add(deltas)
        if newly_cleared and invite:
            transaction.on_commit(lambda: _enqueue_invitations(newly_cleared), robust=True)
    result.updated = len(existing)
    result.created = len(by_number) - len(existing)
    return result


def _enqueue_invitations(numbers: list[str]) -> None:
    from ratings.tasks import invitations_send_task

    try:
        invitations_send_task.delay(numbers)
    except Exception:  # a broker outage must not fail ingestion; the periodic job invites what was missed
        logger.warning("could not enqueue rating invitations for %s declarations", len(numbers), exc_info=True)


# --- Invitations ---------------------------------------------------------------------------------

INVITATION_SALT = "ratings.invitation"


def invitation_token(invitation: RatingInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> RatingInvitation:
    """The invitation a link carries, or a clear error when the link is forged, used or expired."""
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        raise DomainError(_("This rating link is not valid. Please use the link from your email.")) from None
    invitation = (
        RatingInvitation.objects.select_related("declaration__branch", "enterprise").filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise DomainError(_("This rating link is not valid. Please use the link from your email."))
    if invitation.used_at is not None or Rating.objects.filter(declaration_id=invitation.declaration_id).exists():
        raise DomainError(_("This rating link has already been used. Thank you, your rating was recorded."))
    if invitation.expires_at < timezone.now():
        raise DomainError(_("This rating link has expired."))
    return invitation


def sampled(number: str, rate: float) -> bool:
    """A stable, even choice of declarations to invite (the same declaration is always in or out)."""
    if rate >= 1:
        return True
    bucket = int.from_bytes(hashlib.sha256(number.encode()).digest()[:4], "big") / 2**32
    return bucket < rate


def invitations_send(*, numbers: Sequence[str]) -> int:
    """Invite the enterprises of these cleared declarations to rate them (sampled, and not too often)."""
    now = timezone.now()
    window = timedelta(days=settings.RATING_WINDOW_DAYS)
    min_interval = timedelta(hours=settings.RATING_INVITATION_MIN_INTERVAL_HOURS)
    candidates = [
        declaration
        for declaration in Declaration.objects.filter(
            number__in=numbers, cleared_at__isnull=False, invitation__isnull=True, rating__isnull=True
        )
        .exclude(enterprise__email="")
        # Companies that chose the daily digest (or no invitations) get no per-declaration mail.
        .filter(enterprise__rating_invitations=RatingInvitationMode.EACH)
        .select_related("enterprise", "branch")
        .order_by("cleared_at", "pk")
        if sampled(declaration.number, settings.RATING_INVITATION_SAMPLE_RATE) and declaration.cleared_at + window > now
    ]
    if not candidates:
        return 0
    last_sent = dict(
        RatingInvitation.objects.filter(enterprise_id__in={declaration.enterprise_id for declaration in candidates})
        .order_by("enterprise_id", "sent_at")
        .values_list("enterprise_id", "sent_at")
    )
    sent = 0
    for declaration in candidates:
        previous = last_sent.get(declaration.enterprise_id)
        if previous is not None and now - previous < min_interval:
            continue
        with transaction.atomic():
            invitation = RatingInvitation.objects.create(
                declaration=declaration,
                enterprise=declaration.enterprise,
                sent_at=now,
                expires_at=declaration.cleared_at + window,
            )
            enterprise = declaration.enterprise
            notify(
                kind="rating_invitation",
                recipient=enterprise.email,
                language=enterprise.language,
                context={
                    "company_name": enterprise.name_vi or enterprise.name_en or enterprise.tax_code,
                    "declaration_number": declaration.number,
                    "cleared_at": timezone.localtime(declaration.cleared_at),
                    "branch_name": declaration.branch.name_vi,
                    "rate_url": settings.SITE_URL
                    + reverse("ratings:rate", kwargs={"token": invitation_token(invitation)}),
                    "expires_at": timezone.localtime(invitation.expires_at),
                },
                idempotency_key=f"rating-invitation:{declaration.number}",
                obj=invitation,
            )
        last_sent[declaration.enterprise_id] = now
        sent += 1
    return sent


# --- Ratings -------------------------------------------------------------------------------------


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
    elif not reason and any(score is not None and score <= 2 for score in scores.values()):
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
) -> Rating:
    """Record an enterprise's rating of its cleared declaration; a low score opens a follow-up case."""
    values = clean_rating_input(data)
    if not DECLARATION_NUMBER.match(declaration_number or ""):
        raise ValidationError({"declaration_number": [_("A customs declaration number has exactly 12 digits.")]})
    tax_code = _normalized_tax_code((tax_code or "").strip())
    if isinstance(tax_code, ValidationError):
        raise ValidationError({"tax_code": tax_code.messages})
    try:
        with transaction.atomic():
            return _rating_create(declaration_number, tax_code, values, channel, invitation)
    except IntegrityError:
        # Two submissions raced past the check; the unique declaration column kept only one.
        if Rating.objects.filter(declaration__number=declaration_number).exists():
            raise AlreadyRated from None
        raise


def _rating_create(
    declaration_number: str, tax_code: str, values: dict, channel: str, invitation: RatingInvitation | None
) -> Rating:
    try:
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .get(number=declaration_number)
        )
    except Declaration.DoesNotExist:
        raise ValidationError({"declaration_number": [_("No customs declaration has this number.")]}) from None
    if declaration.enterprise.tax_code != tax_code:
        raise PermissionDenied(_("Only the enterprise that made a declaration can rate it."))
    if declaration.cleared_at is None:
        raise DomainError(_("This declaration has not been cleared yet; it can be rated once it is cleared."))
    now = timezone.now()
    if now > declaration.cleared_at + timedelta(days=settings.RATING_WINDOW_DAYS):
        raise DomainError(
            _("The time to rate this declaration has passed: ratings are accepted for %(days)s days after clearance.")
            % {"days": settings.RATING_WINDOW_DAYS}
        )
    # A second rating is refused by the unique declaration column (see rating_submit), not a query here.
    rating = Rating.objects.create(
        declaration=declaration,
        branch_id=declaration.branch_id,
        team_id=declaration.team_id,
        official_id=declaration.official_id,
        channel=channel,
        submitted_at=now,
        submitted_on=timezone.localdate(now),
        **values,
    )
    RatingEvent.objects.create(rating=rating, to_status=RatingStatus.RECEIVED)
    rollup_add({(rating.submitted_on, rating.branch_id, rating.team_id, rating.official_id): rating_counters(rating)})
    if invitation is not None:
        RatingInvitation.objects.filter(pk=invitation.pk).update(used_at=now)
    if rating.is_low:
        case_open(rating=rating, declaration=declaration)
    return rating


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


def _record_rating(rating: Rating, *, to_status: str, fields: list[str], actor, note: str = "") -> None:
    from_status = rating.status
    ensure_transition(RATING_ALLOWED, from_status, to_status, labels=dict(RatingStatus.choices))
    rating.status = to_status
    rating.save(update_fields=[*fields, "status", "updated_at"])
    RatingEvent.objects.create(rating=rating, actor=actor, from_status=from_status, to_status=to_status, note=note)


@transaction.atomic
def rating_verify(*, rating_id: int, actor) -> Rating:
    """Confirm a received rating as genuine."""
    rating = Rating.objects.select_for_update().get(pk=rating_id)
    _record_rating(rating, to_status=RatingStatus.VERIFIED, fields=[], actor=actor)
    return rating


@transaction.atomic
def rating_reject(*, rating_id: int, reason: str, actor, note: str = "") -> Rating:
    """Set a rating aside as invalid, abusive or mistargeted: kept, but no longer counted in statistics."""
    if reason not in RejectionReason.values:
        raise ValidationError({"rejection_reason": [_("Choose why the rating is rejected.")]})
    rating = Rating.objects.select_for_update().get(pk=rating_id)
    rating.rejection_reason = reason
    _record_rating(rating, to_status=RatingStatus.REJECTED, fields=["rejection_reason"], actor=actor, note=note)
    rollup_add(
        {(rating.submitted_on, rating.branch_id, rating.team_id, rating.official_id): rating_counters(rating, -1)}
    )
    return rating


# --- Follow-up cases -----------------------------------------------------------------------------


def branch_leader(branch_id: int) -> Official | None:
    """The official who leads the branch: an active official of it whose account has the branch-leader role."""
    group = Group.objects.filter(name=Role.BRANCH_LEADER).first()
    if group is None:
        return None
    return (
        Official.objects.filter(branch_id=branch_id, is_active=True, user__is_active=True, user__groups=group)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def _staff_email(official: Official | None) -> str:
    if official is None:
        return ""
    return official.email or (official.user.email if official.user_id else "")


def _case_admin_url(case: FollowUpCase) -> str:
    return settings.SITE_URL + reverse("admin:ratings_followupcase_change", args=[case.pk])


def case_open(*, rating: Rating, declaration: Declaration) -> FollowUpCase:
    """Open the follow-up case of a low rating, assigned to the branch leader (caller holds the transaction)."""
    now = timezone.now()
    leader = branch_leader(rating.branch_id)
    case = FollowUpCase.objects.create(
        reference=f"TD-{timezone.localdate(now).year}-{rating.pk:06d}",
        rating=rating,
        branch_id=rating.branch_id,
        assigned_to=leader,
        opened_at=now,
        due_date=add_working_days(now, settings.RATING_FOLLOWUP_WORKING_DAYS),
    )
    FollowUpCaseEvent.objects.create(case=case, to_status=CaseStatus.OPEN)
    recipient = _staff_email(leader)
    if recipient:
        notify(
            kind="followup_case_opened",
            recipient=recipient,
            language=settings.LANGUAGE_CODE,
            context={
                "case_reference": case.reference,
                "branch_name": declaration.branch.name_vi,
                "due_date": case.due_date,
                "admin_url": _case_admin_url(case),
            },
            idempotency_key=f"followup-opened:{case.pk}",
            obj=case,
        )
    return case


@transaction.atomic
def case_record_findings(*, case_id: int, findings: str, actor) -> FollowUpCase:
    """Save what the investigation found so far (the case stays open)."""
    case = FollowUpCase.objects.select_for_update().get(pk=case_id)
    if case.status != CaseStatus.OPEN:
        raise DomainError(_("This case is closed."))
    case.findings = findings.strip()
    case.save(update_fields=["findings"])
    FollowUpCaseEvent.objects.create(
        case=case, actor=actor, from_status=case.status, to_status=case.status, note=_("Findings recorded.")
    )
    return case


@transaction.atomic
def case_close(*, case_id: int, conclusion: str, action_taken: str, actor, findings: str | None = None) -> FollowUpCase:
    """Close a case with the conclusion on the official's responsibility; the enterprise hears the outcome."""
    case = FollowUpCase.objects.select_for_update().select_related("rating__declaration__enterprise").get(pk=case_id)
    errors = {}
    if conclusion not in Conclusion.values:
        errors["conclusion"] = [_("Choose whether the complaint is substantiated.")]
    if not (action_taken or "").strip():
        errors["action_taken"] = [_("Describe the action taken.")]
    if findings is not None:
        case.findings = findings.strip()
    if not case.findings:
        errors["findings"] = [_("Record the findings before closing the case.")]
    if errors:
        raise ValidationError(errors)
    ensure_transition(CASE_ALLOWED, case.status, CaseStatus.CLOSED, labels=dict(CaseStatus.choices))
    from_status = case.status
    case.status, case.conclusion, case.action_taken = CaseStatus.CLOSED, conclusion, action_taken.strip()
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "conclusion", "action_taken", "findings", "closed_at"])
    FollowUpCaseEvent.objects.create(
        case=case, actor=actor, from_status=from_status, to_status=case.status, note=case.get_conclusion_display()
    )
    declaration = case.rating.declaration
    enterprise = declaration.enterprise
    if enterprise.email:
        notify(
            kind="rating_outcome",
            recipient=enterprise.email,
            language=enterprise.language,
            context={
                "company_name": enterprise.name_vi or enterprise.name_en or enterprise.tax_code,
                "declaration_number": declaration.number,
                "conclusion": Conclusion(conclusion).label,
                "action_taken": case.action_taken,
            },
            idempotency_key=f"rating-outcome:{case.pk}",
            obj=case,
        )
    return case


def _escalation_recipients() -> list[str]:
    group = Group.objects.filter(name=Role.DEPARTMENT_LEADERSHIP).first()
    if group is None:
        return []
    return sorted(set(group.user_set.filter(is_active=True).exclude(email="").values_list("email", flat=True)))


def cases_remind_overdue(*, today: date | None = None) -> tuple[int, int]:
    """Remind the investigator of each overdue open case once a day; escalate long-overdue ones once.

    Returns (reminded, escalated). Safe to run twice a day: reminders are keyed by case and day.
    """
    today = today or timezone.localdate()
    reminded = escalated = 0
    overdue = FollowUpCase.objects.filter(status=CaseStatus.OPEN, due_date__lt=today).exclude(last_reminded_on=today)
    for case_id in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            case = (
                FollowUpCase.objects.select_for_update(of=("self",))
                .select_related("branch", "assigned_to__user")
                .get(pk=case_id)
            )
            if case.status != CaseStatus.OPEN or case.last_reminded_on == today:
                continue
            context = {
                "case_reference": case.reference,
                "branch_name": case.branch.name_vi,
                "due_date": case.due_date,
                "admin_url": _case_admin_url(case),
                "escalated": False,
            }
            recipient = _staff_email(case.assigned_to)
            if recipient:
                notify(
                    kind="followup_case_overdue",
                    recipient=recipient,
                    language=settings.LANGUAGE_CODE,
                    context=context,
                    idempotency_key=f"followup-overdue:{case.pk}:{today.isoformat()}",
                    obj=case,
                )
            case.last_reminded_on = today
            fields = ["last_reminded_on"]
            late = working_days_between(case.due_date, today)
            if case.escalated_at is None and late >= settings.RATING_FOLLOWUP_ESCALATE_AFTER_WORKING_DAYS:
                case.escalated_at = timezone.now()
                fields.append("escalated_at")
                for address in _escalation_recipients():
                    notify(
                        kind="followup_case_overdue",
                        recipient=address,
                        language=settings.LANGUAGE_CODE,
                        context={**context, "escalated": True},
                        idempotency_key=f"followup-escalated:{case.pk}:{address}",
                        obj=case,
                    )
                FollowUpCaseEvent.objects.create(
                    case=case, from_status=case.status, to_status=case.status, note=_("Escalated: overdue.")
                )
                escalated += 1
            case.save(update_fields=fields)
            reminded += 1
    return reminded, escalated
