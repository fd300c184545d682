"""Bases of the API views: reading a request body through the view's nested `Input` serializer, and the
public endpoints' access (anyone, nothing authenticated)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from customs_feedback.serializers import InputSerializer

# No docstrings on these bases: drf-spectacular would show them as the description of every operation
# whose view has none of its own.


class InputApi(APIView):
    # A view whose request body is shaped by its nested `Input` serializer (the service checks the rules).
    Input: type[serializers.Serializer]

    def validated(self, request: Request) -> dict[str, Any]:
        """The body as `Input` shapes it; a body of the wrong shape answers 400 with the errors by field."""
        if issubclass(self.Input, InputSerializer):
            return self.Input.validated(request.data)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PublicApi(InputApi):
    # Anyone may call it: no session or token is read, so no CSRF token is asked for either.
    permission_classes = [AllowAny]
    authentication_classes: list = []
