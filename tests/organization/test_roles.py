import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from customs_feedback.organization.roles import Role, granted

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.parametrize("role", Role.values)
def test_each_group_holds_exactly_the_permissions_granted_to_its_role(role):
    group = Group.objects.get(name=role)

    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert held == set(granted(role))


def test_a_branch_officer_cannot_change_the_organisation():
    assert "organization.change_branch" not in granted(Role.BRANCH_OFFICER)
    assert "organization.view_branch" in granted(Role.BRANCH_OFFICER)


def test_seed_demo_is_idempotent_and_creates_one_account_per_role(settings):
    from django.contrib.auth import get_user_model

    from customs_feedback.organization.models import Branch, Official
    from partnerships.models import Enterprise

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Branch.objects.count(), Official.objects.count(), Enterprise.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Branch.objects.count(), Official.objects.count(), Enterprise.objects.count()) == counts
    assert counts[0] >= 10
    users = get_user_model().objects.filter(is_staff=True)
    for role in Role.values:
        assert users.filter(groups__name=role).count() == 1, role
    assert users.get(username="admin").is_superuser
    assert users.get(username="admin").check_password("haiquan-demo-2020")
    assert users.get(username="truongchicuc").official.branch.code == "03CC"


def test_seed_demo_refuses_to_plant_known_passwords_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")
