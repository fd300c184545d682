"""factory_boy factories shared by every app's tests, and agreements built through the services."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from stdnum.vn import mst

from customs_feedback.organization.models import Branch, Official, Team
from partnerships import services as partnership_services
from partnerships.models import Agreement, Enterprise
from ratings.models import Declaration


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


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    number = factory.Sequence(lambda n: f"10{n:010d}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    official = factory.SubFactory(OfficialFactory)
    team = factory.SelfAttribute("official.team")
    branch = factory.SelfAttribute("official.branch")
    registered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    cleared_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    cleared_on = factory.LazyAttribute(lambda d: timezone.localdate(d.cleared_at) if d.cleared_at else None)


def agreement_text_publish():
    """Publish the agreement text the partnership tests sign (it becomes the current one)."""
    return partnership_services.template_publish(
        title_vi="Thỏa thuận hợp tác Hải quan – Doanh nghiệp",
        title_en="Customs–Business partnership agreement",
        body_vi="Điều 1. Trách nhiệm của Cục Hải quan.\nĐiều 2. Trách nhiệm của doanh nghiệp.",
        body_en="Article 1. Commitments of the Customs Department.\nArticle 2. Commitments of the enterprise.",
    )


def clearance_row(official, *, tax_code: str, number: str, registered_at, cleared_at) -> dict:
    """A row of the clearance feed (declarations_upsert, POST /api/v1/declarations/) handled by `official`."""
    return {
        "number": number,
        "tax_code": tax_code,
        "branch_code": official.branch.code,
        "team_code": official.team.code,
        "official_code": official.code,
        "registered_at": registered_at.isoformat(),
        "cleared_at": cleared_at.isoformat() if cleared_at else None,
    }


# Agreements in each status, built through the services so the evidence and events are real.
_agreement_seeds = iter(range(50_000, 10_000_000))


def sign(**overrides) -> partnership_services.SignedAgreement:
    seed = next(_agreement_seeds)
    fields = {
        "tax_code": valid_tax_code(seed),
        "company_name": f"Công ty TNHH Vận tải biển Đình Vũ {seed}",
        "address": "Số 5 Lê Hồng Phong, Ngô Quyền, Hải Phòng",
        "representative_name": "Nguyễn Văn Hùng",
        "representative_title": "Giám đốc",
        "email": f"xnk{seed}@doanhnghiep.example.vn",
        "phone": "0225 3842 123",
        "language": "vi",
        "accept_terms": True,
        "ip": "203.113.1.10",
        "user_agent": "Mozilla/5.0 (Linux; Android 14) Mobile",
    }
    fields.update(overrides)
    return partnership_services.agreement_sign(**fields)


def pending_review(**overrides) -> Agreement:
    signed = sign(**overrides)
    return partnership_services.agreement_confirm(token=signed.token)


def active(actor, **overrides) -> Agreement:
    agreement = pending_review(**overrides)
    return partnership_services.agreement_countersign(agreement_id=agreement.pk, actor=actor)
