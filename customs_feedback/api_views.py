"""Bases of the API views: reading a request body through the view's nested `Input` serializer, the public
endpoints' access (anyone, nothing authenticated), and the answer of a create (`created`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
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


def created(request: Request, data: Any) -> HttpResponseBase:
    """201 with `data`, as `Response(data, status=201)` answers it. When the negotiated renderer is plain JSON (no
    indent asked), its bytes are written here at once: DRF's template-response machinery (its Response, rendered by
    Django after the view) was 3 % of a rating POST's worker. The browsable API and indented JSON keep DRF's path."""
    renderer = getattr(request, "accepted_renderer", None)
    if type(renderer) is JSONRenderer and request.accepted_media_type == renderer.media_type:
        return HttpResponse(renderer.render(data), content_type=renderer.media_type, status=status.HTTP_201_CREATED)
    return Response(data, status=status.HTTP_201_CREATED)
