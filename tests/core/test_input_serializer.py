"""Input serializers share one bound set of fields per class, and still validate each request on its own."""

import pytest
from django.http import QueryDict
from rest_framework import serializers

from customs_feedback.serializers import InputSerializer, JSONValueField


class Shape(InputSerializer):
    number = serializers.CharField()
    reason = serializers.ChoiceField(choices=["delay", "other"], required=False, allow_blank=True)


def test_the_fields_are_built_once_per_class():
    first, second = Shape(data={}), Shape(data={})

    assert first.fields is second.fields
    assert first.fields["number"] is second.fields["number"]


def test_each_instance_validates_its_own_data():
    good, bad = Shape(data={"number": "123", "reason": "delay"}), Shape(data={"reason": "mood"})

    assert good.is_valid()
    assert not bad.is_valid()
    assert good.validated_data == {"number": "123", "reason": "delay"}
    assert set(bad.errors) == {"number", "reason"}
    assert Shape(data={"number": "9"}).is_valid()


def test_a_json_value_field_takes_any_json_value_as_it_is():
    class Scored(serializers.Serializer):
        score = JSONValueField(allow_null=True)

    for value in [5, "5", 3.5, True, None, [5], {"stars": 5}, [{"a": [1, None]}]]:
        serializer = Scored(data={"score": value})
        assert serializer.is_valid(), value
        assert serializer.validated_data["score"] == value
    not_json = Scored(data={"score": {1, 2}})  # DRF's own check still refuses what is not a JSON value
    assert not not_json.is_valid()
    assert [error.code for error in not_json.errors["score"]] == ["invalid"]


def test_lone_surrogates_are_left_to_the_input_gate_and_other_rules_stay():
    class Commented(InputSerializer):
        comment = serializers.CharField(max_length=5)

    # The gate refuses them before any serializer runs (tests/core/test_input_gate.py); the field's own
    # rules still hold.
    assert Commented(data={"comment": "ab\ud800"}).is_valid()
    too_long = Commented(data={"comment": "abcdef"})
    assert not too_long.is_valid()
    assert [error.code for error in too_long.errors["comment"]] == ["max_length"]


@pytest.mark.parametrize(
    "data",
    [
        {"number": "123", "reason": "delay"},
        {"number": "9"},
        {"reason": "mood"},
        {"number": ["1"]},
        {},
        [],
        "text",
        None,
        QueryDict("number=5&reason=other"),
    ],
)
def test_validated_gives_what_a_serializer_instance_gives(data):
    serializer = Shape(data=data)
    if serializer.is_valid():
        assert Shape.validated(data) == serializer.validated_data
        return
    with pytest.raises(serializers.ValidationError) as refused:
        Shape.validated(data)
    assert refused.value.detail == serializer.errors
