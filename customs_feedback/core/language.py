"""The language of each request: Django's LocaleMiddleware, without looking for a language in URLs that carry none."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's. Our URLs carry no language (no `i18n_patterns`): the language comes from the cookie the language
    switcher sets, the browser's Accept-Language, or LANGUAGE_CODE, and the answer varies by Accept-Language, as
    with Django's. Django's middleware still reads a language from the path twice a request, on the way in and on
    the way out, and finds none at a price: the path's first segment (`api`, `admin`, `portal`) is taken for a
    language code and refused with an exception each time. A URLconf with `i18n_patterns` goes through Django's
    own code, unchanged."""

    def process_request(self, request):
        if _language_in_urls(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if _language_in_urls(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _language_in_urls(request) -> bool:
    # Django's own answer for the request's URLconf, cached per URLconf.
    return is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]
