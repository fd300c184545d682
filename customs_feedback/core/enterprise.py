"""The enterprise portal's home: a shell that shows the sections each feature app registers.

Like the admin dashboard's panels, each app registers its sections in AppConfig.ready() with
`register_enterprise_section`; the shell knows none of them. The signed-in company user is put on the
request by the partnerships app (`request.enterprise_member`: `.enterprise`, `.role`, `.may_rate`,
`.may_ask`, `.may_manage`), so this module imports no feature app.

A section is a view `(request) -> HttpResponse` that renders a template extending
`enterprise/shell.html`, and optionally a `summary(request) -> list[dict]` of figures
(`{"label", "value", "url"}`) for the overview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

SIGN_IN_URL_NAME = "enterprise:sign_in"


@dataclass(frozen=True)
class EnterpriseSection:
    slug: str
    label: str | Promise
    order: int
    view: Callable[[HttpRequest], HttpResponse]
    summary: Callable[[HttpRequest], list[dict]] | None = None


_sections: dict[str, EnterpriseSection] = {}


def register_enterprise_section(
    *,
    slug: str,
    label: str | Promise,
    order: int,
    view: Callable[[HttpRequest], HttpResponse],
    summary: Callable[[HttpRequest], list[dict]] | None = None,
) -> None:
    _sections.setdefault(slug, EnterpriseSection(slug, label, order, view, summary))


def sections() -> list[EnterpriseSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.slug))


def section_nav(current: str = "") -> list[dict]:
    return [
        {
            "url": reverse("enterprise:section", args=[section.slug]),
            "label": section.label,
            "current": section.slug == current,
        }
        for section in sections()
    ]


def signed_in_member(request: HttpRequest):
    member = getattr(request, "enterprise_member", None)
    return member if member else None


@never_cache
@require_http_methods(["GET"])
def enterprise_home(request: HttpRequest) -> HttpResponse:
    """The overview: each section's summary figures, or the sign-in page for a visitor."""
    member = signed_in_member(request)
    if member is None:
        return redirect(SIGN_IN_URL_NAME)
    cards = []
    for section in sections():
        if section.summary is None:
            continue
        cards.append(
            {
                "label": section.label,
                "url": reverse("enterprise:section", args=[section.slug]),
                "figures": section.summary(request),
            }
        )
    request.enterprise_nav = section_nav()
    return render(request, "enterprise/home.html", {"member": member, "cards": cards, "section_slug": ""})


@never_cache
@require_http_methods(["GET", "POST"])
def enterprise_section(request: HttpRequest, slug: str) -> HttpResponse:
    """One section of the signed-in company's home; the section's own view decides what it shows."""
    section = _sections.get(slug)
    if section is None:
        raise Http404
    if signed_in_member(request) is None:
        return redirect(f"{reverse(SIGN_IN_URL_NAME)}?next={request.path}")
    request.enterprise_nav = section_nav(slug)
    return section.view(request)
