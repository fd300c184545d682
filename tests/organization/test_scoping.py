import pytest
from django.contrib.auth.models import Group

from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.organization.roles import Role
from customs_feedback.organization.scoping import for_user
from tests.factories import BranchFactory, OfficialFactory, TeamFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_branches():
    branch_a, branch_b = BranchFactory(code="03AA"), BranchFactory(code="03BB")
    for branch in (branch_a, branch_b):
        OfficialFactory.create_batch(2, team=TeamFactory(branch=branch))
    return branch_a, branch_b


def visible_branch_codes(user, model):
    return set(
        for_user(user, model.objects.all()).values_list("branch__code" if model is not Branch else "code", flat=True)
    )


def test_department_leadership_sees_every_branch(two_branches):
    user = staff_user(Role.DEPARTMENT_LEADERSHIP)

    assert visible_branch_codes(user, Branch) == {"03AA", "03BB"}
    assert visible_branch_codes(user, Official) == {"03AA", "03BB"}


@pytest.mark.parametrize("model", [Branch, Team, Official])
def test_a_branch_leader_sees_only_their_branch(two_branches, model):
    branch_a, _ = two_branches
    leader = staff_user(Role.BRANCH_LEADER, branch=branch_a)

    assert visible_branch_codes(leader, model) == {"03AA"}


def test_a_branch_officer_sees_only_their_own_official_record_but_their_branch_teams(two_branches):
    branch_a, _ = two_branches
    officer = staff_user(Role.BRANCH_OFFICER, branch=branch_a)

    assert list(for_user(officer, Official.objects.all())) == [officer.official]
    assert visible_branch_codes(officer, Team) == {"03AA"}


def test_a_desk_sees_every_row_of_the_models_it_runs_and_nothing_else(two_branches):
    partnership_desk = staff_user(Role.PARTNERSHIP_DESK)

    assert visible_branch_codes(partnership_desk, Branch) == {"03AA", "03BB"}
    assert not for_user(partnership_desk, Official.objects.all()).exists()


@pytest.mark.parametrize(
    "user_kind", ["anonymous", "not_staff", "inactive_staff", "staff_without_role", "branch_role_without_official"]
)
def test_accounts_without_a_scope_see_nothing(two_branches, user_kind):
    from django.contrib.auth.models import AnonymousUser

    user = {
        "anonymous": lambda: AnonymousUser(),
        "not_staff": lambda: UserFactory(is_staff=False),
        "inactive_staff": lambda: staff_user(Role.DEPARTMENT_LEADERSHIP, is_active=False),
        "staff_without_role": lambda: staff_user(),
        "branch_role_without_official": lambda: staff_user(Role.BRANCH_LEADER),
    }[user_kind]()

    for model in (Branch, Team, Official):
        assert not for_user(user, model.objects.all()).exists()


def test_a_superuser_sees_everything(two_branches):
    admin = UserFactory(is_staff=True, is_superuser=True)

    assert visible_branch_codes(admin, Official) == {"03AA", "03BB"}


def test_an_unregistered_model_cannot_be_scoped_by_accident():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="has no staff scope"):
        for_user(staff_user(Role.DEPARTMENT_LEADERSHIP), Group.objects.all())
