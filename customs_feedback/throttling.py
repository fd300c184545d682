"""One client address and one per-address limit for the portal's forms (Django views, where DRF's
throttles do not run). The key is the one DRF's scoped throttles use, so a portal form and its API
endpoint can share a budget by sharing a scope."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (the proxy in front sets REMOTE_ADDR; see settings)."""
    return request.META.get("REMOTE_ADDR") or None


class PortalThrottle(SimpleRateThrottle):
    """Per-address limit of `scope`, at `rate` or else the scope's rate in DEFAULT_THROTTLE_RATES."""

    def __init__(self, scope: str, rate: str | None = None) -> None:
        self.scope = scope
        self._rate = rate
        super().__init__()

    def get_rate(self) -> str | None:
        return self._rate or super().get_rate()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def portal_throttled(request: HttpRequest, scope: str, rate: str | None = None) -> bool:
    """Count this POST against the address's budget; True when the budget is spent."""
    return not PortalThrottle(scope, rate).allow_request(request, None)
