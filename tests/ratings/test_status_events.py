"""customs_feedback.workflow: the one transition helper and event shape, tried on ratings."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from customs_feedback.exceptions import InvalidTransition
from customs_feedback.workflow import record_note, transition
from ratings.models import Rating, RatingStatus
from ratings.transitions import RATING_ALLOWED
from tests.ratings.conftest import rate


def test_a_transition_saves_the_named_fields_and_writes_one_event(declaration, leader):
    rating = rate(declaration, branch=3)

    with transaction.atomic():
        transition(
            rating,
            RatingStatus.REJECTED,
            allowed=RATING_ALLOWED,
            actor=leader,
            note="Trùng lặp",
            fields={"rejection_reason": "invalid"},
        )

    stored = Rating.objects.get(pk=rating.pk)
    assert (stored.status, stored.rejection_reason) == ("rejected", "invalid")
    event = stored.events.last()
    assert (event.from_status, event.to_status, event.actor) == ("received", "rejected", leader)
    assert event.note == "Trùng lặp"


def test_a_stale_instance_cannot_skip_the_table(declaration, leader):
    rating = rate(declaration, branch=3)
    stale = Rating.objects.get(pk=rating.pk)
    with transaction.atomic():
        transition(rating, RatingStatus.REJECTED, allowed=RATING_ALLOWED, actor=leader)

    # The copy still says "received", but the row says "rejected", and rejected leads nowhere.
    with pytest.raises(InvalidTransition) as refused, translation.override("en"), transaction.atomic():
        transition(stale, RatingStatus.VERIFIED, allowed=RATING_ALLOWED, actor=leader)

    assert str(refused.value) == "Cannot change the status from “Rejected” to “Verified”."
    assert Rating.objects.get(pk=rating.pk).status == RatingStatus.REJECTED
    assert rating.events.count() == 2


def test_event_rows_show_status_labels_not_codes(declaration, leader):
    rating = rate(declaration, branch=3)
    with transaction.atomic():
        transition(rating, RatingStatus.VERIFIED, allowed=RATING_ALLOWED, actor=leader)
        record_note(rating, actor=leader, note="Đã gọi điện cho doanh nghiệp")

    with translation.override("vi"):
        rows = [(str(event), event.get_to_status_display()) for event in rating.events.all()]
    assert rows == [
        ("– → Tiếp nhận", "Tiếp nhận"),
        ("Tiếp nhận → Đã xác nhận", "Đã xác nhận"),
        ("Đã xác nhận → Đã xác nhận", "Đã xác nhận"),
    ]
