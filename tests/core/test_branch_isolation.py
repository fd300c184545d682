"""Staff of one branch open every changelist, change page, export and autocomplete of the back office,
aimed at another branch's records, and get nothing. Walks every registered ModelAdmin, so a new app's
admin is covered the day it is registered."""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command

from customs_feedback.organization.admin_mixins import ExportMixin, ScopedAdminMixin
from customs_feedback.organization.scoping import for_user, scope_of

pytestmark = pytest.mark.django_db

SCOPED_ADMINS = [
    (model, model_admin)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ScopedAdminMixin)
]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def admin_url(model, suffix: str = "") -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def foreign_rows(model, user) -> list:
    """Rows of this model that belong to another branch than the user's."""
    scope = scope_of(model)
    branch_id = user.official.branch_id
    if scope.branch is None:
        return list(model.objects.all()[:3])
    return list(model.objects.exclude(**{scope.branch: branch_id})[:3])


def leaks(client, user) -> tuple[list[str], set[str]]:
    found, checked = [], set()
    for model, model_admin in SCOPED_ADMINS:
        others = [obj for obj in foreign_rows(model, user) if obj not in for_user(user, model.objects.all())]
        if not others:
            continue
        checked.add(model._meta.label)
        listing = client.get(admin_url(model))
        if listing.status_code == 200:
            html = listing.content.decode()
            found += [
                f"{model._meta.label} #{obj.pk} listed"
                for obj in others
                if admin_url(model, f"{obj.pk}/change/") in html
            ]
        for obj in others:
            if client.get(admin_url(model, f"{obj.pk}/change/")).status_code == 200:
                found.append(f"{model._meta.label} #{obj.pk} change page opens")
        if isinstance(model_admin, ExportMixin) and listing.status_code == 200:
            export = client.get(admin_url(model, "export/csv/"))
            text = b"".join(export.streaming_content).decode("utf-8-sig")
            exported = len(list(csv.reader(io.StringIO(text)))) - 1
            # The export holds exactly the rows the changelist lists (which may narrow for_user further).
            listed = listing.context["cl"].result_count
            if exported != listed:
                found.append(f"{model._meta.label} export has {exported} rows, the list {listed}")
        for field_name in model_admin.autocomplete_fields:
            related = model._meta.get_field(field_name).related_model
            response = client.get(
                "/admin/autocomplete/",
                {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name},
            )
            if response.status_code == 200:
                ids = {int(result["id"]) for result in response.json()["results"] if str(result["id"]).isdigit()}
                hidden = set(
                    related.objects.exclude(pk__in=for_user(user, related.objects.all())).values_list("pk", flat=True)
                )
                found += [f"{related._meta.label} #{pk} offered by autocomplete" for pk in ids & hidden]
    return found, checked


@pytest.mark.parametrize("username", ["truongchicuc", "canbo", "congchuc"])
def test_branch_staff_reach_nothing_of_another_branch(client, demo, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)

    found, checked = leaks(client, user)

    assert found == []
    assert {"organization.Official", "organization.Team", "complaints.Inquiry", "partnerships.Agreement"} <= checked


@pytest.mark.parametrize("username", ["truongchicuc", "canbo"])
def test_branch_staff_get_nothing_of_another_branch_through_the_staff_api(client, demo, username):
    from complaints.models import Inquiry, InquiryStatus
    from customs_feedback.organization.models import Official, Team

    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    own_branch = user.official.branch
    team = Team.objects.exclude(branch=own_branch).select_related("branch").first()
    official = Official.objects.exclude(branch=own_branch).exclude(team=None).first()

    team_figures = client.get("/api/v1/ratings/stats/", {"branch": team.branch.code, "team": team.code})
    official_figures = client.get("/api/v1/ratings/stats/", {"official": official.code})

    assert team_figures.status_code == official_figures.status_code == 403
    # The demo assigns its inquiries to 03CC: give one to another branch.
    Inquiry.objects.filter(pk=Inquiry.objects.filter(status=InquiryStatus.NEW).values("pk")[:1]).update(
        branch=team.branch, status=InquiryStatus.ASSIGNED
    )
    foreign = Inquiry.objects.exclude(branch=own_branch).exclude(branch=None).filter(status=InquiryStatus.ASSIGNED)
    assert foreign.exists()
    for inquiry in foreign:
        answer = client.post(
            f"/api/v1/inquiries/{inquiry.tracking_code}/answer/", {"text": "Trả lời"}, "application/json"
        )
        assert answer.status_code in {403, 404}
        inquiry.refresh_from_db()
        assert inquiry.status == InquiryStatus.ASSIGNED
