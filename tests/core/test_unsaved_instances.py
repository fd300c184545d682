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


def test_a_model_of_plain_fields_is_built_without_its_init_and_one_with_a_file_field_through_it():
    from customs_feedback.core.models import BackgroundJob
    from customs_feedback.sql import _plain_attnames

    assert _plain_attnames(Rating) == tuple(field.attname for field in Rating._meta.concrete_fields)
    assert _plain_attnames(BackgroundJob) is None  # its file field's descriptor wraps what is set


def test_a_signal_listener_gets_the_models_own_init():
    from django.db.models.signals import post_init

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Rating)
    try:
        built = unsaved(Rating, channel=Channel.SOFTWARE, official_score=4)
    finally:
        post_init.disconnect(listener, sender=Rating)
    assert seen == [built]
