"""Throttles that keep counting when the shared cache is down.

The counts live in the cache (Redis when CACHE_URL says so, shared by every process). When that cache
cannot be reached, a submission must still be accepted: the throttle falls back to a count in this
process's memory (a per-process limit is weaker, not absent) and logs a warning, at most once a minute.
"""

from __future__ import annotations

import logging
import math
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import throttling
from rest_framework.exceptions import Throttled

logger = logging.getLogger(__name__)

_local_counts = LocMemCache("customs-feedback-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_last_warning = 0.0
_cache_down_since: float | None = None


def shared_cache_degraded() -> bool:
    """Whether a throttle found the shared cache unreachable in the last minute (for /healthz/)."""
    return _cache_down_since is not None and time.monotonic() - _cache_down_since < 60


def _note_cache_down(error: Exception) -> None:
    global _last_warning, _cache_down_since
    now = time.monotonic()
    _cache_down_since = now
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning("throttle cache unreachable (%s); counting in this process until it returns", error)


class ResilientThrottleMixin:
    """Count in the shared cache; in this process's memory while that cache is unreachable."""

    def allow_request(self, request, view) -> bool:
        global _cache_down_since
        try:
            allowed = super().allow_request(request, view)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - any cache backend failure (redis, memcached, socket)
            _note_cache_down(error)
            self.cache = _local_counts
            return super().allow_request(request, view)  # type: ignore[misc]
        _cache_down_since = None
        return allowed


def count_attempt(key: str, *, window_seconds: int) -> int:
    """Count one attempt on `key` within a window and return the count so far: in the shared cache, or in
    this process while it is unreachable (for counters that are not DRF throttles)."""
    try:
        return _incr(cache, key, window_seconds)
    except Exception as error:  # noqa: BLE001 - any cache backend failure (redis, memcached, socket)
        _note_cache_down(error)
        return _incr(_local_counts, key, window_seconds)


def _incr(store, key: str, window_seconds: int) -> int:
    store.add(key, 0, timeout=window_seconds)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.set(key, 1, timeout=window_seconds)
        return 1


class WindowCountThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle, counting in two fixed windows instead of a list of request times.

    DRF's SimpleRateThrottle stores the time of every request of the last period under one cache key and reads,
    trims and writes that whole list on every request: at a budget of 100,000 an hour, a busy client's requests
    each unpickled and pickled a list of tens of thousands of floats (and sent it to Redis and back). Here the
    entry is `(window, count in that window, count in the window before)`, the same two cache calls (get, set),
    and the request is allowed while `count + previous count × the share of the previous window still inside
    the sliding period` (rounded up) is below the budget: a sliding window, estimated as requests spread evenly
    over the previous window. As with DRF's, refused requests are not counted.
    """

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current = previous = 0
        # The cache itself, not Django's proxy to it, which finds it anew on every call (a third of this).
        store = caches[DEFAULT_CACHE_ALIAS] if self.cache is cache else self.cache
        stored = store.get(self.key)
        if stored is not None:
            stored_window, count, earlier = stored
            if stored_window == window:
                current, previous = count, earlier
            elif stored_window == window - 1:
                previous = count
        self.counts = (window, current, previous)
        if current + math.ceil(previous * self._previous_share(self.now)) >= self.num_requests:
            return self.throttle_failure()
        store.set(self.key, (window, current + 1, previous), 2 * self.duration)
        return True

    def _previous_share(self, at: float) -> float:
        """The share of the previous window that the period ending at `at` still covers."""
        return max(0.0, 1.0 - (at / self.duration - self.counts[0]))

    def wait(self) -> float | None:
        """Seconds until a request would be allowed again, if no other request comes in."""
        window, current, previous = self.counts
        if self.num_requests <= 0:
            return None
        if current < self.num_requests and previous:
            # The previous window's share shrinks during this one: wait until it leaves room for one request.
            share = (self.num_requests - current - 1) / previous
            return max(0.0, (window + 1 - share) * self.duration - self.now)
        # This window's count becomes the previous one's; its share shrinks during the next window.
        share = (self.num_requests - 1) / current if current else 1.0
        return max(0.0, (window + 2 - share) * self.duration - self.now)


class ScopedRateThrottle(ResilientThrottleMixin, throttling.ScopedRateThrottle):
    """DRF's per-scope throttle (THROTTLE_* rates in REST_FRAMEWORK), resilient to a cache outage."""


class PublicLookupThrottle(ResilientThrottleMixin, throttling.SimpleRateThrottle):
    """Lookups by a code anyone could guess at (tracking, verification): a budget per client address."""

    scope = "public_lookup"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def lookup_throttled(request: HttpRequest) -> bool:
    """For portal views: True when this address has used up its lookup budget."""
    return not PublicLookupThrottle().allow_request(request, None)


def throttled_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/throttled.html",
        {"message": _("Too many lookups from your address. Please try again later.")},
        status=429,
    )


class LookupThrottledMixin:
    """For API views: the lookup throttle and a translated 429 with Retry-After."""

    throttle_classes = [PublicLookupThrottle]

    def throttled(self, request, wait):
        error = Throttled(detail=_("Too many lookups from your address. Please try again later."))
        error.wait = math.ceil(wait) if wait is not None else None
        raise error


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from (the proxy in front sets REMOTE_ADDR; see settings)."""
    return request.META.get("REMOTE_ADDR") or None


class PortalThrottle(ResilientThrottleMixin, throttling.SimpleRateThrottle):
    """The per-address limit of a portal form (a Django view, where DRF's throttles do not run): `scope` at
    `rate`, or else the scope's rate in DEFAULT_THROTTLE_RATES. The key is the one DRF's scoped throttle
    uses, so a portal form and its API endpoint share a budget by sharing a scope."""

    def __init__(self, scope: str, rate: str | None = None) -> None:
        self.scope = scope
        self._rate = rate
        super().__init__()

    def get_rate(self) -> str | None:
        return self._rate or super().get_rate()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def portal_throttled(request: HttpRequest, scope: str, rate: str | None = None) -> bool:
    """Count this POST against the address's budget of `scope`; True when the budget is spent."""
    return not PortalThrottle(scope, rate).allow_request(request, None)
