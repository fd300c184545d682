"""The portal's menu: each feature app registers its public sections in AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str
    description: str
    order: int


_sections: list[Section] = []


def register_section(*, url_name: str, label: str, description: str, order: int) -> None:
    if all(section.url_name != url_name for section in _sections):
        _sections.append(Section(url_name, label, description, order))


def navigation() -> list[dict[str, str]]:
    """The registered sections whose pages are routed, in menu order."""
    items = []
    for section in sorted(_sections, key=lambda section: section.order):
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": section.label, "description": section.description})
    return items


# Public statistics on the home page: each app contributes figures anyone may read.
_public_figures: list[tuple[int, Callable[[], list[dict]]]] = []


def register_public_figures(*, order: int, provider: Callable[[], list[dict]]) -> None:
    """`provider()` returns [{"label": ..., "value": ..., "url": optional}], computed from public data only."""
    if all(existing is not provider for _order, existing in _public_figures):
        _public_figures.append((order, provider))


def public_figures() -> list[dict]:
    figures: list[dict] = []
    for _order, provider in sorted(_public_figures, key=lambda entry: entry[0]):
        figures.extend(provider())
    return figures
