"""Our LocaleMiddleware answers as Django's: the same language for each request, the same Vary and
Content-Language headers, on URLs without a language and, through Django's own code, on URLs with one."""

from __future__ import annotations

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangosLocaleMiddleware
from django.test import RequestFactory, override_settings
from django.urls import path
from django.utils import translation

from customs_feedback.core.language import LocaleMiddleware

urlpatterns = i18n_patterns(path("page/", lambda request: HttpResponse("page")))


def answer(middleware_class, request_path: str, status: int = 200, **headers):
    request = RequestFactory().get(request_path, **headers)
    with translation.override(None):
        middleware = middleware_class(lambda request: HttpResponse(status=status))
        response = middleware(request)
        language = translation.get_language()
    return (
        language,
        request.LANGUAGE_CODE,
        response.status_code,
        response.get("Location"),
        response.get("Vary"),
        response.get("Content-Language"),
    )


REQUESTS = [
    ("/api/v1/ratings/", {}),
    ("/api/v1/ratings/", {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}),
    ("/admin/", {"HTTP_ACCEPT_LANGUAGE": "fr, vi;q=0.5"}),
    ("/portal/", {"HTTP_COOKIE": "django_language=en", "HTTP_ACCEPT_LANGUAGE": "vi"}),
    ("/en/portal/", {}),
    ("/vi/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/missing/", {"HTTP_ACCEPT_LANGUAGE": "en", "status": 404}),
]


@pytest.mark.parametrize(("request_path", "headers"), REQUESTS)
def test_on_our_urls_the_language_and_headers_are_djangos(request_path, headers):
    ours = answer(LocaleMiddleware, request_path, **headers)
    assert ours == answer(DjangosLocaleMiddleware, request_path, **headers)
    assert ours[0] == ("en" if "en" in str(headers) else "vi")  # never from the path


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("request_path", "headers"), [("/page/", {"status": 404}), ("/en/page/", {}), *REQUESTS])
def test_on_urls_with_a_language_djangos_code_decides(request_path, headers):
    assert answer(LocaleMiddleware, request_path, **headers) == answer(DjangosLocaleMiddleware, request_path, **headers)
    # The language in the path wins there; Django redirects a path without one to it.
    assert answer(LocaleMiddleware, "/en/page/")[0] == "en"
    assert answer(LocaleMiddleware, "/page/", status=404)[3] == "/vi/page/"
