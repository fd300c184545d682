"""Reference data kept in each process for a few seconds: the inquiry categories, the working calendar.

Every inquiry reads them (is the category active, how many working days, which days are off) and staff
change them a few times a year, so reading them from the database on every submission was a quarter of the
request's Python time. Freshness:

- in the process that saves or deletes a row (the admin's, a shell, a test), at once: the model's
  post_save/post_delete empty the cache, and again when the transaction commits;
- in every other process, within `REFERENCE_CACHE_SECONDS` (5 by default; 0 reads the database every time),
  as no signal crosses processes. A change made with `QuerySet.update()` (no signals) waits for that too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_caches: list[ReferenceCache] = []


class ReferenceCache(Generic[T]):
    """`get(key)` answers `load(key)`, computed at most once per `REFERENCE_CACHE_SECONDS` in this process."""

    def __init__(self, load: Callable[[Any], T], *, models: tuple[str, ...]) -> None:
        """`models`: the "app_label.ModelName" of each model `load` reads (resolved once the app is loaded)."""
        self._load = load
        self._values: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()
        _caches.append(self)
        for model in models:
            post_save.connect(self._changed, sender=model, weak=False, dispatch_uid=f"{id(self)}-save-{model}")
            post_delete.connect(self._changed, sender=model, weak=False, dispatch_uid=f"{id(self)}-delete-{model}")

    def get(self, key: Hashable = None) -> T:
        seconds = settings.REFERENCE_CACHE_SECONDS
        if seconds <= 0:
            return self._load(key)
        now = time.monotonic()
        cached = self._values.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        value = self._load(key)
        with self._lock:
            self._values[key] = (now + seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def _changed(self, **kwargs) -> None:
        # Now, for what this process reads next in the same transaction, and after the commit, for a value
        # another request of this process may have read between the change and the commit.
        self.clear()
        transaction.on_commit(self.clear, using=kwargs.get("using"))


def reference_caches_clear() -> None:
    """Empty every reference cache of this process (tests, whose transactions roll back behind the signals)."""
    for cache in _caches:
        cache.clear()
