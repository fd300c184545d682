"""Portal pages: rating through an emailed link, and the public satisfaction figures."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from customs_feedback.exceptions import DomainError
from customs_feedback.forms import add_service_errors
from ratings.forms import ContestForm, RatingForm
from ratings.links import rating_id_from_status_token, rating_status_token
from ratings.models import Rating, RatingStatus
from ratings.record_selectors import contest_deadline, rater_status
from ratings.selectors import StatsFilter, rating_stats, rating_stats_breakdown, rating_stats_weekly
from ratings.services import RatingInput, invitation_from_token, rating_submit_by_invitation


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    """GET shows the form (a prefetching mail scanner changes nothing); POST records the rating."""
    try:
        invitation = invitation_from_token(token)
    except DomainError as error:
        return render(request, "ratings/rate_unavailable.html", {"message": error.message}, status=410)
    # The enterprise's language until the visitor picks one with the language switch (its cookie).
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else invitation.enterprise.language
    with translation.override(language):
        form = RatingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                rating = rating_submit_by_invitation(token=token, data=RatingInput(**form.cleaned_data))
            except ValidationError as error:
                add_service_errors(form, error)
            except DomainError as error:
                return render(request, "ratings/rate_unavailable.html", {"message": error.message}, status=409)
            else:
                return render(
                    request,
                    "ratings/rate_thanks.html",
                    {"declaration": invitation.declaration, "status_token": rating_status_token(rating.pk)},
                )
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


@require_http_methods(["GET", "POST"])
def rating_status(request, token: str):
    """The enterprise's page of its rating: its status and outcome; GET changes nothing, POST contests a rejection."""
    from ratings.services import rating_contest

    rating_id = rating_id_from_status_token(token)
    rating = (
        Rating.objects.select_related("declaration__enterprise", "case", "contest").filter(pk=rating_id).first()
        if rating_id is not None
        else None
    )
    if rating is None:
        return render(
            request,
            "ratings/rate_unavailable.html",
            {"message": _("This link is not valid. Please use the link from your email.")},
            status=404,
        )
    # The page follows the visitor's language switch (the emailed link arrives in the enterprise's language).
    contest = getattr(rating, "contest", None)
    deadline = contest_deadline(rating)
    may_contest = (
        rating.status == RatingStatus.REJECTED
        and contest is None
        and deadline is not None
        and timezone.localdate() <= deadline
    )
    form = ContestForm(request.POST or None) if may_contest else None
    status = 200
    if request.method == "POST":
        if form is None:
            return redirect("ratings:status", token=token)
        if form.is_valid():
            try:
                rating_contest(rating_id=rating.pk, text=form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error(None, error.messages)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect("ratings:status", token=token)
        status = 400
    return render(
        request,
        "ratings/rating_status.html",
        {
            "rating": rating,
            "rater_status": rater_status(rating),
            "case": getattr(rating, "case", None),
            "contest": contest,
            "contest_deadline": deadline,
            "form": form,
        },
        status=status,
    )
