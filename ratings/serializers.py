"""What both rating APIs (API clients, enterprise users) take of a rating: three scores, a reason, a comment.
The serializers only shape them; rating_submit's clean_rating_input judges them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from customs_feedback.serializers import JSONValueField
from ratings.models import SCORE_FIELDS, LowScoreReason
from ratings.services import RatingInput

RATING_FIELDS = (*SCORE_FIELDS, "reason", "comment")


def rating_fields() -> tuple[serializers.Field, ...]:
    """New serializer fields named as RATING_FIELDS, to unpack into an Input serializer in that order."""
    return (
        JSONValueField(required=False, allow_null=True),
        JSONValueField(required=False, allow_null=True),
        JSONValueField(required=False, allow_null=True),
        serializers.ChoiceField(choices=LowScoreReason.choices, required=False, allow_blank=True),
        serializers.CharField(required=False, allow_blank=True, max_length=2000),
    )


def rating_input(data: Mapping[str, Any]) -> RatingInput:
    """The RatingInput of validated data; a field left out keeps RatingInput's default."""
    return RatingInput(**{name: data[name] for name in RATING_FIELDS if name in data})
