"""Opening a low rating's case on PostgreSQL (one read, the case with its event in one statement, its notices in
another) writes what the ORM path (SQLite) writes, row for row, and routes the case the same way."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from customs_feedback.notifications.models import Notification, NotificationEvent
from customs_feedback.notifications.rendering import message_id_for
from customs_feedback.organization.roles import Role
from ratings.models import Channel, FollowUpCase, FollowUpCaseEvent, Rating
from ratings.services import notices
from ratings.services import ratings as rating_services
from ratings.services.cases import case_open
from tests.factories import DeclarationFactory, OfficialFactory, TeamFactory, UserFactory, staff_user
from tests.ratings.conftest import at, frozen

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement path is PostgreSQL's"),
]

SQLITE = SimpleNamespace(vendor="sqlite")


def _low_rating(official, enterprise):
    declaration = DeclarationFactory(official=official, enterprise=enterprise, cleared_at=at("2026-03-01"))
    rating = Rating(
        channel=Channel.SOFTWARE,
        submitted_at=at("2026-03-02"),
        submitted_on=at("2026-03-02").date(),
        official_score=1,
        team_score=4,
        reason="delay",
    )
    rating_services._rating_insert_orm(rating, declaration.number, enterprise.tax_code, at("2026-03-02"))
    return rating


def _open_by_orm(rating):
    with mock.patch("customs_feedback.workflow.connection", SQLITE), mock.patch.object(notices, "connection", SQLITE):
        return case_open(rating=rating)


def _notices_of(case):
    """The case's notices as stored, with what names the case itself (its id, reference) made neutral."""
    kind = ContentType.objects.get_for_model(FollowUpCase)
    rows = []
    for notification in Notification.objects.filter(content_type=kind, object_id=str(case.pk)).order_by("pk"):
        assert notification.provider_message_id == message_id_for(notification.idempotency_key)
        row = model_to_dict(notification, exclude=["id", "object_id", "provider_message_id"])
        for name in ("subject", "body_text"):
            row[name] = row[name].replace(case.reference, "REF").replace(f"followupcase/{case.pk}/", "followupcase/PK/")
        row["idempotency_key"] = row["idempotency_key"].replace(f"followup-opened:{case.pk}:", "followup-opened:PK:")
        row["idempotency_key"] = row["idempotency_key"].replace(f"followup-explain:{case.pk}:", "followup-explain:PK:")
        events = NotificationEvent.objects.filter(notification=notification)
        row["events"] = [(e.actor_id, e.from_status, e.to_status, e.note, e.attempt) for e in events]
        rows.append(row)
    return rows


def _stored(case):
    row = model_to_dict(FollowUpCase.objects.get(pk=case.pk), exclude=["id", "reference", "rating"])
    events = [(e.actor_id, e.from_status, e.to_status, e.note) for e in FollowUpCaseEvent.objects.filter(case=case)]
    return row, events, _notices_of(case)


def _parties(kind, branch, official):
    """The people around a case: `kind` says who leads the branch and who is on the inspection desk."""
    staff_user(Role.INSPECTION_DESK, email="thanhtra2@haiquan.example.vn")
    staff_user(Role.INSPECTION_DESK, email="thanhtra1@haiquan.example.vn")
    staff_user(Role.INSPECTION_DESK, email="")  # no address: not told
    staff_user(Role.INSPECTION_DESK, email="nghiviec@haiquan.example.vn", is_active=False)
    if kind == "leader":
        staff_user(Role.BRANCH_LEADER, branch=branch, email="truongchicuc@haiquan.example.vn")
        staff_user(Role.BRANCH_LEADER, branch=branch, email="photruong@haiquan.example.vn")  # the first one leads
    elif kind == "leader_with_work_address":
        user = staff_user(Role.BRANCH_LEADER, email="canhan@example.vn")
        OfficialFactory(user=user, team=TeamFactory(branch=branch), email="lanhdao@haiquan.example.vn")
    elif kind == "leader_rated":
        official.user = staff_user(Role.BRANCH_LEADER)
        official.save(update_fields=["user"])
    elif kind == "inactive_leader":
        staff_user(Role.BRANCH_LEADER, branch=branch, email="nghi@haiquan.example.vn", is_active=False)
    if kind in ("leader", "no_leader"):
        official.user = UserFactory(email="canbo@haiquan.example.vn")
        official.save(update_fields=["user"])


@pytest.mark.parametrize("kind", ["leader", "leader_with_work_address", "leader_rated", "inactive_leader", "no_leader"])
def test_the_statements_open_the_case_the_orm_path_opens(official, enterprise, kind):
    _parties(kind, official.branch, official)
    by_orm, by_statement = _low_rating(official, enterprise), _low_rating(official, enterprise)
    assert notices._case_parties_postgresql(by_statement) == notices._case_parties_orm(by_statement)

    with frozen(at("2026-03-02", 11)):
        orm_case = _open_by_orm(by_orm)
        with CaptureQueriesContext(connection) as queries:
            statement_case = case_open(rating=by_statement)

    assert len(queries) == 3  # who is involved; the case with its event; its notices with theirs
    assert statement_case.pk is not None and not statement_case._state.adding
    assert statement_case.reference == f"TD-2026-{by_statement.pk:06d}"
    orm_rows, statement_rows = _stored(orm_case), _stored(statement_case)
    assert statement_rows == orm_rows
    assert len(statement_rows[2]) >= 1
    expected_desk = "branch" if kind in ("leader", "leader_with_work_address") else "inspection"
    assert statement_rows[0]["desk"] == expected_desk


def test_an_official_with_neither_address_is_not_told(official, enterprise, leader):
    official.email = ""
    official.save(update_fields=["email"])
    rating = _low_rating(official, enterprise)
    parties = notices._case_parties_postgresql(rating)
    assert parties == notices._case_parties_orm(rating)
    assert parties.official_address == ""
