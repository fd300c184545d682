"""The middlewares that serve a browser's signed-in state (its session, the user, their two-factor device, flash
messages), left out on the paths whose views authenticate by API key alone.

A view that says `reads_no_browser_state = True` (the API-key views, `ratings.apis.ApiClientView`) is called by
other systems with `Authorization: Api-Key …`: it reads no session user, no verified device and no message,
and a browser cookie sent along changes nothing in its answer. On those paths (routes without parameters,
found in the URLconf) the four middlewares below pass the request straight on; on every other path they are
Django's and django-otp's own, unchanged. Each is a subclass of the one it stands for, so Django's checks
(the admin's need for sessions, authentication and messages) still see it. Skipping the last three was a
tenth of the middlewares' CPU on a rating POST (`bench/RESULTS.md`, sixth pass); the session's store, made
for every request whether read or not, another 1.5 % of the worker's (eighth pass). The portal's company user
(`partnerships.middleware`), read from the session, is left out on the same paths.

Left on every path: CSRF (Django's checks look for it by name; the API views are exempt, and the token is
kept in a cookie, not the session), and everything that writes the answer's headers, counts or logs it,
checks its input or translates it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django_otp import middleware as otp

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


class _NotOnApiKeyPaths:
    get_response: object

    def __call__(self, request):
        if request.path_info in api_key_paths():
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_NotOnApiKeyPaths, sessions.SessionMiddleware):
    """Django's: `request.session` from its cookie, saved and its cookie set on the way out."""


class AuthenticationMiddleware(_NotOnApiKeyPaths, auth.AuthenticationMiddleware):
    """Django's: `request.user` from the session."""


class OTPMiddleware(_NotOnApiKeyPaths, otp.OTPMiddleware):
    """django-otp's: the device that verified `request.user`."""


class MessageMiddleware(_NotOnApiKeyPaths, messages.MessageMiddleware):
    """Django's: the messages shown on the next page."""
