"""The CSP header: built once from the settings for ordinary responses, django-csp's own path otherwise."""

import pytest
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from customs_feedback.core.csp import CSPMiddleware


def _respond(view=lambda request: HttpResponse("ok"), *, debug=False):
    middleware = CSPMiddleware(view)
    request = RequestFactory().get("/any/")
    with override_settings(DEBUG=debug):
        middleware.process_request(request)
        response = middleware.process_response(request, view(request))
    return request, response


def test_an_ordinary_response_gets_the_policy_of_the_settings(settings):
    _request, response = _respond()
    _request, in_debug = _respond(debug=True)  # django-csp's own path

    assert response["Content-Security-Policy"] == in_debug["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "object-src 'none'" in response["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header():
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        _request, response = _respond()
        assert response["Content-Security-Policy"] == "default-src 'none'"
    _request, response = _respond()
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_view_decorator_and_a_nonce_still_change_the_header():
    _request, updated = _respond(csp_update({"img-src": ["https://maps.example.vn"]})(lambda r: HttpResponse("ok")))

    def with_nonce(request):
        str(request.csp_nonce)
        return HttpResponse("ok")

    request, nonced = _respond(with_nonce)

    assert "https://maps.example.vn" in updated["Content-Security-Policy"]
    assert nonced["Content-Security-Policy"] == build_policy(nonce=request._csp_nonce)  # as django-csp builds it


def test_a_nonce_asked_for_after_the_header_is_an_error():
    from csp.exceptions import CSPNonceError

    request, _response = _respond()
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
