"""Provider lists that feature apps add to at start-up (dashboard panels, report sections), kept in one way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

P = TypeVar("P", bound=Callable)
Entry = tuple[int, str, Callable]  # order, the provider's dotted name, the provider


def register_provider(providers: list[Entry], order: int) -> Callable[[P], P]:
    """A decorator that adds a provider to `providers` at `order`, once however often its module is imported."""

    def register(provider: P) -> P:
        name = f"{provider.__module__}.{provider.__qualname__}"
        if all(existing != name for _order, existing, _provider in providers):
            providers.append((order, name, provider))
        return provider

    return register


def providers_in_order(providers: list[Entry]) -> list[Callable]:
    """The providers by order, then by name (a stable order whatever the import order)."""
    return [provider for _order, _name, provider in sorted(providers, key=lambda entry: entry[:2])]
