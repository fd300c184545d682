"""Input serializers whose fields are built once per class instead of once per request."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict
from rest_framework.validators import ProhibitSurrogateCharactersValidator

_bound_fields: dict[type, BindingDict] = {}
_templates: dict[type, InputSerializer] = {}


class InputSerializer(serializers.Serializer):
    """A serializer that only reads a request's shape: its fields are shared by every instance of the class.

    DRF deep-copies every declared field for every serializer instance, so that one instance may change its
    fields without touching another's; that copy was a tenth of a rating POST. An input serializer here
    never changes its fields, and its fields keep no state between calls (errors are raised, not stored),
    so one bound copy per class serves every request. The fields are bound to an empty instance of the class:
    a field that reads `self.parent.context`, `self.root.partial` or `self.root.instance` must not be used
    in such a serializer (none of these do).

    It reads request input only, and every string of that has passed the input gate (`customs_feedback.inputs`:
    the API's parsers check each string of the body, the middleware the query string), which refuses lone
    surrogates with its own translated message. DRF's text fields check for them again, a Python loop over every
    character (2 % of a rating POST): that validator is left out of these fields.
    """

    @property
    def fields(self) -> BindingDict:  # type: ignore[override]
        cls = type(self)
        fields = _bound_fields.get(cls)
        if fields is None:
            template: Any = cls()
            _templates[cls] = template
            fields = _bound_fields[cls] = serializers.Serializer.fields.func(template)  # type: ignore[attr-defined]
            for field in fields.values():
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, ProhibitSurrogateCharactersValidator)
                ]
        return fields

    @classmethod
    def validated(cls, data: Any) -> Any:
        """What `cls(data=data)` validates to, raising what `is_valid(raise_exception=True)` raises.

        Data that passes is validated by the instance the fields are bound to: a new serializer per request
        (DRF's Field.__init__ and its checks) was 2 % of a rating POST, and the validation stores nothing on the
        serializer. Refused data goes through DRF's own path again, so that its error is DRF's to the letter.
        """
        template = _templates.get(cls)
        if template is None:
            cls().fields  # noqa: B018 - binds the fields and keeps their instance
            template = _templates[cls]
        try:
            return template.run_validation(data)
        except serializers.ValidationError:
            serializer = cls(data=data)
            serializer.is_valid(raise_exception=True)
            return serializer.validated_data


class JSONValueField(serializers.JSONField):
    """Any JSON value of the body, left for the service to check (it names what is wrong, translated).

    DRF's JSONField writes the value back out as JSON to see that it can be; a number, a string, true, false
    or null always can, and writing it was 3 % of a rating POST. Anything else still gets DRF's check.
    """

    def to_internal_value(self, data: Any) -> Any:
        if data is None or isinstance(data, str | int | float | bool):
            return data
        return super().to_internal_value(data)
