"""The middlewares that serve a browser (its static files, session, user, two-factor device, flash messages,
CSRF token, staff session rules, company user, sign-in lockouts), left out on the paths whose views authenticate
by API key alone.

A view that says `reads_no_browser_state = True` (the API-key views, `ratings.apis.ApiClientView`) is called by
other systems with `Authorization: Api-Key …`: it reads no session user, no verified device and no message, is
exempt from CSRF, and a browser cookie sent along changes nothing in its answer. `ApiKeyPathsMiddleware`, first
in MIDDLEWARE, sends a request to one of those paths (routes without parameters, found in the URLconf) through
the middlewares after it minus settings.BROWSER_ONLY_MIDDLEWARE, a chain built once per process as Django builds
its own; every other request goes through all of them, Django's, django-otp's and Axes' own classes. A layer
costs its call even when it passes a request straight on: the session's store alone, made for every request
whether read or not, was 1.5 % of a rating POST's worker CPU (bench/RESULTS.md, eighth pass), and the other
eight layers left out, 3 to 5 % more in process (twelfth pass).

Kept on every path: whatever writes the answer's headers (security, CSP, framing, length, language), counts or
logs it, or checks its input. The test client runs the same chains as gunicorn's workers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.module_loading import import_string

_paths: dict[str, frozenset[str]] = {}


def api_key_paths() -> frozenset[str]:
    """The paths of the views that read no browser state, from the URLconf (once per process)."""
    urlconf = settings.ROOT_URLCONF
    paths = _paths.get(urlconf)
    if paths is None:
        paths = _paths[urlconf] = frozenset(_stateless_paths(get_resolver(urlconf), "/"))
    return paths


def _stateless_paths(resolver: URLResolver, prefix: str):
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern) or entry.pattern.converters:
            continue  # only fixed routes: a path is matched exactly, as a string
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _stateless_paths(entry, route)
        elif isinstance(entry, URLPattern) and getattr(
            getattr(entry.callback, "view_class", None), "reads_no_browser_state", False
        ):
            yield route


@receiver(setting_changed)
def _forget_paths(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _paths.clear()


class ApiKeyPathsMiddleware:
    """First in MIDDLEWARE: the API-key paths go through the shorter chain (see the module's docstring)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        later = settings.MIDDLEWARE[_position_in_settings(type(self)) + 1 :]
        unknown = set(settings.BROWSER_ONLY_MIDDLEWARE) - set(later)
        if unknown:
            raise ImproperlyConfigured(f"BROWSER_ONLY_MIDDLEWARE names middlewares that do not follow it: {unknown}")
        self.api_key_chain = MiddlewareChain([path for path in later if path not in settings.BROWSER_ONLY_MIDDLEWARE])

    def __call__(self, request):
        if request.path_info in api_key_paths():
            return self.api_key_chain(request)
        return self.get_response(request)


def _position_in_settings(middleware_class: type) -> int:
    return next(i for i, path in enumerate(settings.MIDDLEWARE) if import_string(path) is middleware_class)


class MiddlewareChain(BaseHandler):
    """Django's request handling with a list of middlewares of its own, loaded as `BaseHandler.load_middleware`
    loads settings.MIDDLEWARE, for a synchronous caller (gunicorn's sync workers, the test client; under ASGI,
    Django runs the middleware that calls it in a thread)."""

    def __init__(self, middleware: list[str]) -> None:
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(middleware):
            try:
                layer = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(layer, "process_view"):
                self._view_middleware.insert(0, layer.process_view)
            if hasattr(layer, "process_template_response"):
                self._template_response_middleware.append(layer.process_template_response)
            if hasattr(layer, "process_exception"):
                self._exception_middleware.append(layer.process_exception)
            handler = convert_exception_to_response(layer)
        self._middleware_chain = handler

    def __call__(self, request):
        return self._middleware_chain(request)
