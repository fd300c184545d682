"""The portal's menu: each feature app registers its public sections in AppConfig.ready()."""

from __future__ import annotations

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
