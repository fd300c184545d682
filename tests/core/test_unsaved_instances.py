"""`unsaved(model, **values)` builds the same unsaved instance as `model(**values)`, only without Django's
keyword path."""

from datetime import UTC, date, datetime

import pytest

from customs_feedback.sql import unsaved
from ratings.models import Channel, Rating, RatingStatus


def _state(instance) -> dict:
    return {
        **{name: value for name, value in vars(instance).items() if name != "_state"},
        "adding": instance._state.adding,
        "db": instance._state.db,
    }


def test_an_unsaved_instance_is_the_one_the_model_builds_from_keywords():
    values = {
        "channel": Channel.SOFTWARE,
        "submitted_at": datetime(2026, 3, 2, 4, tzinfo=UTC),
        "submitted_on": date(2026, 3, 2),
        "official_score": 5,
        "team_score": None,
        "comment": "Nhanh",
        "branch_id": 7,
    }
    built = unsaved(Rating, **values)

    assert _state(built) == _state(Rating(**values))
    assert built.pk is None and built._state.adding
    assert (built.status, built.reason, built.rejected_at) == (RatingStatus.RECEIVED, "", None)  # the defaults


def test_a_name_that_is_no_field_is_refused():
    with pytest.raises(TypeError, match="Rating has no field branch"):
        unsaved(Rating, branch=None)  # a relation is given by its attname, branch_id


def test_defaults_made_by_a_function_are_made_for_each_instance():
    from ratings.models import RatingEvent

    first, second = unsaved(RatingEvent, to_status="received"), unsaved(RatingEvent, to_status="received")

    assert first.at is not None and second.at is not None  # StatusEvent.at: default=timezone.now
    assert first.at <= second.at
    assert _state(unsaved(RatingEvent, to_status="x", at=first.at)) == _state(RatingEvent(to_status="x", at=first.at))
