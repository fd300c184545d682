"""The API's content negotiation (REST_FRAMEWORK DEFAULT_CONTENT_NEGOTIATION_CLASS). Its own module: DRF reads
the setting while `rest_framework.views` loads, so this module must not import the views."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class JsonFirstNegotiation(DefaultContentNegotiation):
    """DRF's choice of renderer, reached without parsing for what nearly every client asks: no Accept header,
    `*/*` or `application/json`, and no `?format=`. DRF's answer to those is always the first renderer with
    its own media type, when that renderer is JSON (ours is); anything else goes through DRF's own steps.
    Parsing the header and matching every renderer was 3 % of a rating POST."""

    _JSON_OR_ANYTHING = frozenset({None, "*/*", "application/json"})  # None: no header (an empty one: 406)

    def select_renderer(self, request, renderers, format_suffix=None):
        first = renderers[0] if renderers else None
        if (
            first is not None
            and first.media_type == "application/json"
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT") in self._JSON_OR_ANYTHING
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
