"""Our LocaleMiddleware does what Django's does, for a URLconf without language prefixes (ours)."""

import pytest
from django.http import HttpResponse, HttpResponseNotFound
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import RequestFactory
from django.utils import translation

from customs_feedback.core.locale_middleware import LocaleMiddleware


def _answer(middleware_class, request, response):
    seen = {}

    def view(request):
        seen["active"] = translation.get_language()
        return response

    with translation.override(None):
        answer = middleware_class(view)(request)
    return answer, seen["active"], request.LANGUAGE_CODE


@pytest.mark.parametrize(
    ("path", "headers", "cookie"),
    [
        ("/api/v1/ratings/", {}, None),
        ("/api/v1/ratings/", {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, None),
        ("/api/v1/ratings/", {"HTTP_ACCEPT_LANGUAGE": "vi"}, None),
        ("/en/cong-ty/", {"HTTP_ACCEPT_LANGUAGE": "fr"}, None),
        ("/cong-ty/", {"HTTP_ACCEPT_LANGUAGE": "vi"}, "en"),
        ("/admin/", {}, "vi"),
    ],
)
@pytest.mark.parametrize("response_class", [HttpResponse, HttpResponseNotFound])
def test_it_answers_as_djangos_middleware(settings, path, headers, cookie, response_class):
    factory = RequestFactory()
    answers = []
    for middleware_class in (DjangoLocaleMiddleware, LocaleMiddleware):
        request = factory.get(path, **headers)
        if cookie:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = cookie
        answer, active, code = _answer(middleware_class, request, response_class())
        answers.append((answer.status_code, answer.headers.get("Vary"), answer["Content-Language"], active, code))
    assert answers[0] == answers[1]
