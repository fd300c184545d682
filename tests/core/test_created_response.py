"""`created` answers exactly as DRF's `Response(data, status=201)` does, whatever the client accepts."""

import re

import pytest
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from customs_feedback.api_views import created

DATA = {"id": 7, "status": "received", "name": "Công ty TNHH Hải Phòng", "odd": "a\u2028b", "list": [1, None]}


class Created(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    def get_view_name(self) -> str:
        return "Answer"  # the browsable page shows it: the same for both views

    def post(self, request):
        return created(request, DATA)


class DrfResponse(Created):
    def post(self, request):
        return Response(DATA, status=201)


def answer(view: type[APIView], accept: str | None):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = view.as_view()(APIRequestFactory().post("/x/", {}, format="json", **headers))
    if isinstance(response, Response):  # DRF's is rendered by the handler, after the view
        response.render()
    # The browsable page carries a CSRF token, masked anew for every page.
    content = re.sub(rb'"csrfToken": "\w+"', b"", response.content)
    return response.status_code, response["Content-Type"], content


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json; indent=4", "text/html"])
def test_the_answer_is_drfs_own(accept):
    assert answer(Created, accept) == answer(DrfResponse, accept)


def test_plain_json_is_written_without_drfs_response():
    response = Created.as_view()(APIRequestFactory().post("/x/", {}, format="json"))

    assert not isinstance(response, Response)
    assert response.status_code == 201
