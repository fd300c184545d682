import pytest
from django.contrib.auth.models import Group, Permission

from customs_feedback.core.models import ConfigurationChange
from customs_feedback.organization.models import Branch
from customs_feedback.organization.roles import Role
from tests.factories import BranchFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


def test_changing_a_branch_in_the_admin_records_who_changed_which_field(superuser_client):
    branch = BranchFactory(code="03ZZ", name_vi="Chi cục cũ")

    superuser_client.post(
        f"/admin/organization/branch/{branch.pk}/change/",
        {"code": "03ZZ", "name_vi": "Chi cục mới", "name_en": branch.name_en, "address": "", "is_active": "on",
         "teams-TOTAL_FORMS": "0", "teams-INITIAL_FORMS": "0"},
    )  # fmt: skip

    change = ConfigurationChange.objects.get()
    assert change.actor == superuser_client.user
    assert change.action == ConfigurationChange.Action.CHANGED
    assert change.changes == {"name_vi": ["Chi cục cũ", "Chi cục mới"]}


def test_the_history_button_shows_the_changes(superuser_client):
    branch = BranchFactory(code="03ZY", name_vi="Trước")
    superuser_client.post(
        f"/admin/organization/branch/{branch.pk}/change/",
        {"code": "03ZY", "name_vi": "Sau", "name_en": "", "address": "", "is_active": "on",
         "teams-TOTAL_FORMS": "0", "teams-INITIAL_FORMS": "0"},
    )  # fmt: skip

    html = superuser_client.get(f"/admin/organization/branch/{branch.pk}/history/").content.decode()

    assert "Trước → Sau" in html
    assert superuser_client.user.username in html


def test_granting_a_permission_to_a_role_is_recorded(superuser_client):
    group = Group.objects.get(name=Role.BRANCH_OFFICER)
    permissions = list(group.permissions.values_list("pk", flat=True))
    extra = Permission.objects.get(codename="change_branch")

    superuser_client.post(
        f"/admin/auth/group/{group.pk}/change/", {"name": group.name, "permissions": [*permissions, extra.pk]}
    )

    change = ConfigurationChange.objects.get(object_id=str(group.pk))
    before, after = change.changes["permissions"]
    assert set(after) - set(before) == {str(extra)}


def test_adding_and_deleting_are_recorded(superuser_client):
    superuser_client.post(
        "/admin/organization/branch/add/",
        {"code": "03QQ", "name_vi": "Chi cục mới lập", "name_en": "", "address": "", "is_active": "on",
         "teams-TOTAL_FORMS": "0", "teams-INITIAL_FORMS": "0"},
    )  # fmt: skip
    branch = Branch.objects.get(code="03QQ")
    superuser_client.post(f"/admin/organization/branch/{branch.pk}/delete/", {"post": "yes"})

    actions = list(ConfigurationChange.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["added", "deleted"]


def test_only_department_leadership_reads_the_audit_trail(client):
    client.force_login(staff_user(Role.BRANCH_LEADER, branch=BranchFactory()))
    assert client.get("/admin/core/configurationchange/").status_code == 403

    client.force_login(staff_user(Role.DEPARTMENT_LEADERSHIP))
    assert client.get("/admin/core/configurationchange/").status_code == 200
