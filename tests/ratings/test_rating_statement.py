"""The rating's one PostgreSQL statement writes what the ORM path (SQLite) writes, row for row."""

from unittest import mock

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from customs_feedback.exceptions import DomainError, PermissionDenied
from ratings.models import Channel, DailyRollup, FollowUpCase, Rating, RatingEvent
from ratings.services import ratings as rating_services
from tests.factories import DeclarationFactory, EnterpriseFactory
from tests.ratings.conftest import at, frozen

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's"),
]


def _rate(path, declaration, *, official_score):
    rating = Rating(
        channel=Channel.SOFTWARE,
        submitted_at=at("2026-03-02"),
        submitted_on=at("2026-03-02").date(),
        official_score=official_score,
        team_score=4,
        branch_score=None,
        reason="delay" if official_score <= 2 else "",
        comment="Cán bộ hướng dẫn tận tình.",
    )
    path(rating, declaration.number, declaration.enterprise.tax_code, at("2026-03-02"))
    return rating


@pytest.mark.parametrize("official_score", [5, 2])
def test_the_statement_and_the_orm_path_write_the_same_rows(official, enterprise, official_score):
    by_orm, by_statement = (
        DeclarationFactory(official=official, enterprise=enterprise, cleared_at=at("2026-03-01")) for _ in range(2)
    )
    with frozen(at("2026-03-02", 11)):
        orm_rating = _rate(rating_services._rating_insert_orm, by_orm, official_score=official_score)
        statement_rating = _rate(rating_services._rating_insert_postgresql, by_statement, official_score=official_score)

    stored = {rating.declaration_id: rating for rating in Rating.objects.all()}
    assert statement_rating.pk is not None
    assert not statement_rating._state.adding
    assert model_to_dict(statement_rating) == model_to_dict(stored[by_statement.pk])
    assert {**model_to_dict(stored[by_orm.pk]), "id": None, "declaration": None} == {
        **model_to_dict(stored[by_statement.pk]),
        "id": None,
        "declaration": None,
    }
    assert stored[by_orm.pk].updated_at == stored[by_statement.pk].updated_at
    events = {event.rating_id: event for event in RatingEvent.objects.all()}
    fields = ("actor_id", "from_status", "to_status", "note")  # `at` is the real clock (the field's default)
    assert [getattr(events[orm_rating.pk], name) for name in fields] == [
        getattr(events[statement_rating.pk], name) for name in fields
    ]
    assert events[statement_rating.pk].at is not None
    rollup = DailyRollup.objects.get()
    assert (rollup.ratings, rollup.team_4, getattr(rollup, f"official_{official_score}")) == (2, 2, 2)


def test_a_declaration_already_rated_inserts_nothing_more(official, enterprise):
    declaration = DeclarationFactory(official=official, enterprise=enterprise, cleared_at=at("2026-03-01"))
    with frozen(at("2026-03-02", 11)):
        _rate(rating_services._rating_insert_postgresql, declaration, official_score=5)
        with pytest.raises(rating_services.AlreadyRated):
            _rate(rating_services._rating_insert_postgresql, declaration, official_score=4)

    assert (Rating.objects.count(), RatingEvent.objects.count(), DailyRollup.objects.get().ratings) == (1, 1, 1)


def test_a_refused_ratings_declaration_is_read_back_to_the_microsecond(official, enterprise):
    cleared = at("2026-01-30", 11).replace(microsecond=123457)
    declaration = DeclarationFactory(official=official, enterprise=enterprise, cleared_at=cleared)
    checked = mock.patch.object(rating_services, "_declaration_check", wraps=rating_services._declaration_check)
    late = pytest.raises(DomainError, match="The time to rate this declaration has passed")
    with frozen(at("2026-03-02", 11)), translation.override("en"), checked as check, late:
        _submit(declaration)

    assert check.call_args.args[0] == (
        declaration.pk,
        declaration.branch_id,
        declaration.team_id,
        official.pk,
        cleared,
        enterprise.tax_code,
    )


def _submit(declaration, *, official_score=5, tax_code=None):
    return rating_services.rating_submit(
        declaration_number=declaration.number,
        tax_code=tax_code or declaration.enterprise.tax_code,
        data=rating_services.RatingInput(official_score=official_score, reason="delay" if official_score <= 2 else ""),
    )


# Commits for real (one test, one flush of the database): the other tests run inside the test's transaction,
# where the service keeps its own savepoint.
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_rating_is_its_one_statement_and_a_refused_one_writes_nothing(official, enterprise):
    other = EnterpriseFactory()
    high, low, late, not_cleared = (
        DeclarationFactory(official=official, enterprise=enterprise, cleared_at=cleared)
        for cleared in (at("2026-03-01"), at("2026-03-01"), at("2026-01-01"), None)
    )
    someone_elses = DeclarationFactory(official=official, enterprise=other, cleared_at=at("2026-03-01"))

    clock, english = frozen(at("2026-03-02", 11)), translation.override("en")
    with clock, english, mock.patch.object(connection, "commit", wraps=connection.commit) as commit:
        with CaptureQueriesContext(connection) as queries:
            rating = _submit(high)
        high_commits = commit.call_count
        with pytest.raises(DomainError, match="The time to rate this declaration has passed"):
            _submit(late)
        with pytest.raises(DomainError, match="has not been cleared yet"):
            _submit(not_cleared)
        with pytest.raises(PermissionDenied, match="Only the enterprise that made a declaration"):
            _submit(someone_elses, tax_code=enterprise.tax_code)
        with pytest.raises(rating_services.AlreadyRated):
            _submit(high, official_score=4)
        refused_commits = commit.call_count - high_commits
        low_rating = _submit(low, official_score=1)  # with its case: BEGIN … COMMIT around the statement
        low_commits = commit.call_count - high_commits - refused_commits

    # No BEGIN or COMMIT around the high rating: the statement commits by itself.
    assert (high_commits, refused_commits, low_commits) == (0, 0, 1)
    assert [query["sql"].split(" ", 1)[0] for query in queries.captured_queries] == ["WITH"]
    assert sorted(Rating.objects.values_list("pk", flat=True)) == sorted([rating.pk, low_rating.pk])
    assert sorted(RatingEvent.objects.values_list("rating_id", flat=True)) == sorted([rating.pk, low_rating.pk])
    assert DailyRollup.objects.get().ratings == 2
    assert FollowUpCase.objects.get().rating_id == low_rating.pk


def _prepared_rating_statements() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s AND statement LIKE %s",
            ["WITH d AS (SELECT d.id%", f"%INSERT INTO {Rating._meta.db_table} %"],
        )
        return cursor.fetchall()


def _rate_several(official, enterprise, count: int) -> list[Rating]:
    declarations = [
        DeclarationFactory(official=official, enterprise=enterprise, cleared_at=at("2026-03-01")) for _ in range(count)
    ]
    with frozen(at("2026-03-02", 11)):
        return [
            _rate(rating_services._rating_insert_postgresql, declaration, official_score=5 - index % 2)
            for index, declaration in enumerate(declarations)
        ]


def test_the_statement_is_prepared_once_per_connection_and_no_longer_planned_each_time(official, enterprise):
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 5  # the setting's default
    ratings = _rate_several(official, enterprise, 8)

    assert [rating.pk for rating in ratings] == list(Rating.objects.order_by("pk").values_list("pk", flat=True))
    [(generic_plans, custom_plans)] = _prepared_rating_statements()  # one statement, prepared after 5 runs
    assert generic_plans + custom_plans == 3  # its runs since, each without parsing it again
    assert DailyRollup.objects.get().ratings == 8


def test_with_prepared_statements_off_the_statement_runs_unprepared(official, enterprise):
    """DATABASE_PREPARED_STATEMENTS=off (PgBouncer without prepared statements): same rows, nothing prepared."""
    connection.ensure_connection()
    connection.connection.prepare_threshold = None
    try:
        ratings = _rate_several(official, enterprise, 8)
    finally:
        connection.connection.prepare_threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert Rating.objects.count() == len(ratings) == 8
    assert _prepared_rating_statements() == []


def test_the_statement_text_is_converted_once_not_on_every_rating(official, enterprise):
    """psycopg turns `%s` into `$n` once per text through its cache (FixedTextQuery), although the statement is
    past the length and parameter count psycopg caches by itself; without it every rating parsed the text anew."""
    from psycopg import _queries

    sql, params = rating_services._rating_statement(
        Rating(channel=Channel.SOFTWARE, submitted_on=at("2026-03-02").date(), official_score=5, team_score=5),
        "123456789012",
        tax_code=enterprise.tax_code,
        now=at("2026-03-02"),
    )
    assert len(sql) > _queries.MAX_CACHED_STATEMENT_LENGTH or len(params) > _queries.MAX_CACHED_STATEMENT_PARAMS
    _rate_several(official, enterprise, 1)  # the text converted (once per process)
    with mock.patch.object(_queries, "_query2pg_nocache", side_effect=AssertionError("converted again")):
        _rate_several(official, enterprise, 3)
    assert Rating.objects.count() == 4


def test_a_low_ratings_case_and_its_parties_are_prepared_statements_too(official, enterprise):
    """A low rating opens its case with two more statements (who investigates; the case with its event): each is
    prepared after its fifth run on a connection, as the rating's is, instead of planned on every low rating."""
    declarations = [
        DeclarationFactory(official=official, enterprise=enterprise, cleared_at=at("2026-03-01")) for _ in range(7)
    ]
    with frozen(at("2026-03-02", 11)):
        for declaration in declarations:
            _submit(declaration, official_score=1)

    assert FollowUpCase.objects.count() == 7
    case_table = connection.ops.quote_name(FollowUpCase._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s "
            "OR statement LIKE %s ORDER BY statement",
            [f"WITH o AS (INSERT INTO {case_table} %", "SELECT b.name_vi, %"],
        )
        runs_since_prepared = {statement.split()[0]: runs for statement, runs in cursor.fetchall()}
    assert runs_since_prepared == {"SELECT": 2, "WITH": 2}  # the look-up, the case: each prepared on its 5th run
