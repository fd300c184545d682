"""Portal pages: rating through an emailed link, and the public satisfaction figures."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import add_service_errors
from ratings.forms import RatingForm
from ratings.selectors import StatsFilter, rating_stats, rating_stats_breakdown, rating_stats_weekly
from ratings.services import RatingInput, invitation_from_token, rating_submit_by_invitation


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    """GET shows the form (a prefetching mail scanner changes nothing); POST records the rating."""
    try:
        invitation = invitation_from_token(token)
    except DomainError as error:
        return render(request, "ratings/rate_unavailable.html", {"message": error.message}, status=410)
    with translation.override(invitation.enterprise.language):
        form = RatingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                rating_submit_by_invitation(token=token, data=RatingInput(**form.cleaned_data))
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                return render(request, "ratings/rate_unavailable.html", {"message": error.message}, status=409)
            else:
                return render(request, "ratings/rate_thanks.html", {"declaration": invitation.declaration})
        response = render(
            request,
            "ratings/rate.html",
            {"form": form, "declaration": invitation.declaration, "invitation": invitation},
            status=400 if request.method == "POST" else 200,
        )
    return response


@require_GET
def public_stats(request):
    """Figures per branch, open to everyone."""
    stats_filter = StatsFilter()
    return render(
        request,
        "ratings/public_stats.html",
        {
            "total": rating_stats(stats_filter=stats_filter),
            "branches": rating_stats_breakdown(stats_filter=stats_filter, by="branch"),
            "weekly": rating_stats_weekly(
                stats_filter=StatsFilter(date_from=timezone.localdate() - timedelta(weeks=12))
            ),
        },
    )
