"""JsonFirstNegotiation picks the renderer DRF's own negotiation picks, for every Accept header and format."""

import pytest
from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from customs_feedback.negotiation import JsonFirstNegotiation

ACCEPT = [None, "", "*/*", "application/json", "application/json; indent=4", "application/*", "text/html",
          "text/html, application/json;q=0.9", "application/xml", "*/*;q=0.8, text/html"]  # fmt: skip
RENDERERS = [[JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()], [BrowsableAPIRenderer(), JSONRenderer()]]


def _choice(negotiation, accept, renderers, query, suffix):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/v1/ratings/" + query, **headers))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, suffix)
    except NotAcceptable:
        return "406"
    except Http404:  # no renderer for the format asked
        return "404"
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("accept", ACCEPT)
@pytest.mark.parametrize("renderers", RENDERERS, ids=["json", "json-browsable", "browsable-json"])
@pytest.mark.parametrize(("query", "suffix"), [("", None), ("?format=api", None), ("?format=json", None), ("", "api")])
def test_the_choice_is_drfs_own(accept, renderers, query, suffix):
    ours = _choice(JsonFirstNegotiation(), accept, renderers, query, suffix)

    assert ours == _choice(DefaultContentNegotiation(), accept, renderers, query, suffix)


def test_it_is_the_api_default():
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is JsonFirstNegotiation
