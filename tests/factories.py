"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from stdnum.vn import mst

from customs_feedback.organization.models import Branch, Official, Team
from partnerships.models import Enterprise


def valid_tax_code(seed: int) -> str:
    """A valid 10-digit MST derived from `seed` (numbers without a check digit are skipped)."""
    sequence = 1000000 + seed * 13
    while True:
        stem = f"03{sequence % 10_000_000:07d}"
        check = mst.calc_check_digit(stem)
        if len(check) == 1 and stem[2:] != "0000000":
            return stem + check
        sequence += 1


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9{n % 1000:03d}")
    name_vi = factory.Sequence(lambda n: f"Chi cục Hải quan thử nghiệm {n}")
    name_en = factory.Sequence(lambda n: f"Test Customs Branch {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    branch = factory.SubFactory(BranchFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    name_vi = factory.Sequence(lambda n: f"Đội thủ tục {n}")


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    code = factory.Sequence(lambda n: f"CB{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán Bộ {n}")
    team = factory.SubFactory(TeamFactory)
    branch = factory.SelfAttribute("team.branch")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@haiquan.example.vn")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def staff_user(role: str | None = None, *, branch: Branch | None = None, **fields):
    """A staff account in `role`; with `branch`, also the official record that places it there."""
    user = UserFactory(is_staff=True, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if branch is not None:
        OfficialFactory(user=user, branch=branch, team=TeamFactory(branch=branch))
    return user


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    tax_code = factory.Sequence(valid_tax_code)
    name_vi = factory.Sequence(lambda n: f"Công ty TNHH Thương mại {n}")
    email = factory.Sequence(lambda n: f"doanhnghiep{n}@example.vn")
