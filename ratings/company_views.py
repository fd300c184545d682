"""Sections of the enterprise portal for ratings (registered with the portal shell in apps.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customs_feedback.exceptions import DomainError
from partnerships.member_views import add_errors
from ratings.company_forms import CompanyRatingForm
from ratings.company_selectors import company_declarations, company_ratings, is_rateable, rate_until, rating_outcome
from ratings.services import RatingInput, RatingsRefused, ratings_submit_for_company


def declarations_section(request):
    """The company's recent declarations with their rating status; tick several and rate them at once."""
    member = request.enterprise_member
    now = timezone.now()
    declarations = list(company_declarations(enterprise_id=member.enterprise_id)[:300])
    rows = [
        {
            "declaration": declaration,
            "rate_until": rate_until(declaration),
            "rateable": is_rateable(declaration, now=now),
        }
        for declaration in declarations
    ]
    rateable = [row["declaration"].number for row in rows if row["rateable"]]
    selected = request.GET.getlist("selected")
    form = CompanyRatingForm(request.POST or None, rateable=rateable, initial={"declaration_numbers": selected})
    status = 200
    if request.method == "POST":
        if not member.may_rate:
            return HttpResponseForbidden(_("Your role in the company cannot rate declarations; ask a manager."))
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "declaration_numbers"}
            try:
                created = ratings_submit_for_company(
                    enterprise=member.enterprise,
                    declaration_numbers=form.cleaned_data["declaration_numbers"],
                    data=RatingInput(**data),
                )
            except RatingsRefused as refused:
                for number, message in refused.by_number.items():
                    form.add_error(None, f"{number}: {message}")
                status = refused.status_code
            except (ValidationError, DomainError) as error:
                add_errors(form, error)
                status = getattr(error, "status_code", 400)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Thank you: %(count)s rating was recorded.",
                        "Thank you: %(count)s ratings were recorded.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                return redirect("enterprise:section", "ratings")
        else:
            status = 400
    return render(
        request,
        "enterprise/declarations.html",
        {
            "rows": rows,
            "form": form,
            "may_rate": member.may_rate,
            "has_rateable": bool(rateable),
            "section_slug": "declarations",
        },
        status=status,
    )


def declarations_summary(request) -> list[dict]:
    unrated = company_declarations(enterprise_id=request.enterprise_member.enterprise_id, unrated=True).count()
    url = reverse("enterprise:section", args=["declarations"])
    return [{"label": _("Declarations you can still rate"), "value": unrated, "url": url}]


def ratings_section(request):
    member = request.enterprise_member
    ratings = [
        {"rating": rating, "outcome": rating_outcome(rating)}
        for rating in company_ratings(enterprise_id=member.enterprise_id)[:300]
    ]
    return render(request, "enterprise/ratings.html", {"ratings": ratings, "section_slug": "ratings"})


def ratings_summary(request) -> list[dict]:
    count = company_ratings(enterprise_id=request.enterprise_member.enterprise_id).count()
    return [{"label": _("Ratings given"), "value": count, "url": reverse("enterprise:section", args=["ratings"])}]
