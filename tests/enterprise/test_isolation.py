"""Company A, signed in, asks every enterprise page and endpoint for company B's things and gets nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from complaints.models import Inquiry, InquiryCategory
from complaints.services import inquiry_answer
from customs_feedback.core.enterprise import sections
from partnerships import members
from partnerships.models import Agreement, AgreementStatus, MemberEvent, MemberRole
from ratings.models import Rating
from tests.enterprise.conftest import bearer, signed_in
from tests.ratings.conftest import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_b_world(other_company, other_manager, other_declaration, settings, tmp_path, admin_user):
    """Company B's agreement with a certificate, a rating, an inquiry with its answer, a user and notices."""
    settings.MEDIA_ROOT = tmp_path
    agreement = Agreement.objects.create(
        reference="MOU-BBBBBBBB",
        enterprise=other_company,
        status=AgreementStatus.ACTIVE,
        company_name=other_company.name_vi,
        email=other_company.email,
        signed_at=timezone.now(),
        number=777,
    )
    agreement.certificate.save("b.pdf", ContentFile(b"%PDF-1.7 company B"), save=True)
    rate(other_declaration, official=5)
    category = InquiryCategory.objects.create(code="b-topic", name_vi="Chủ đề B")
    inquiry = Inquiry.objects.create(
        tracking_code="VM-BSECRET1",
        name="Biển Xanh",
        email=other_company.email,
        tax_code=other_company.tax_code,
        category=category,
        subject="Câu hỏi bí mật của công ty B",
        body="Nội dung B",
        due_date=timezone.localdate(),
        status="assigned",
    )
    inquiry_answer(inquiry_id=inquiry.pk, text="Câu trả lời cho công ty B", actor=admin_user)
    members.member_invite(actor=other_manager, email="secret-colleague@bienxanh.example.vn", role=MemberRole.VIEWER)
    return {"agreement": agreement, "inquiry": inquiry, "declaration": other_declaration}


B_MARKERS = (
    "0200519875",
    "Biển Xanh",
    "399999999999",
    "MOU-BBBBBBBB",
    "VM-BSECRET1",
    "Câu hỏi bí mật của công ty B",
    "Câu trả lời cho công ty B",
    "secret-colleague@bienxanh.example.vn",
    "lan@bienxanh.example.vn",
)


def assert_nothing_of_b(text: str) -> None:
    leaked = [marker for marker in B_MARKERS if marker in text]
    assert leaked == []


def test_every_portal_page_of_company_a_shows_nothing_of_company_b(company, manager, declarations, company_b_world):
    client = signed_in(manager)
    pages = ["/doanh-nghiep/", "/doanh-nghiep/chung-nhan/"]
    pages += [f"/doanh-nghiep/{section.slug}/" for section in sections()]
    pages += [
        "/doanh-nghiep/declarations/?selected=399999999999",
        "/doanh-nghiep/inquiries/?declaration=399999999999",
    ]
    assert len(sections()) >= 7
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"company B" not in body, path
        # What A itself typed is echoed back (the language switch's return path, the prefilled field): not B's.
        echoed = body.decode(errors="replace").replace(path, "").replace('value="399999999999"', "")
        assert_nothing_of_b(echoed)


def test_company_a_cannot_act_on_company_b_through_the_portal(company, manager, company_b_world, other_company):
    client = signed_in(manager)
    b_user = other_company.users.get(email="secret-colleague@bienxanh.example.vn")
    client.post("/doanh-nghiep/people/", {"action": "remove", "member_id": b_user.pk})
    client.post("/doanh-nghiep/people/", {"action": "role", "member_id": b_user.pk, "role": "manager"})
    b_user.refresh_from_db()
    assert (b_user.status, b_user.role) == ("invited", "viewer")

    response = client.post(
        "/doanh-nghiep/declarations/",
        {"declaration_numbers": ["399999999999"], "official_score": "1", "reason": "delay"},
    )
    assert response.status_code == 400
    assert Rating.objects.filter(declaration__number="399999999999").count() == 1  # only B's own
    assert not MemberEvent.objects.filter(enterprise=other_company, actor_member=manager).exists()


def test_company_a_cannot_reach_company_b_through_the_api(client, company, manager, company_b_world):
    headers = {**bearer(manager), "HTTP_ACCEPT_LANGUAGE": "en"}
    me = client.get("/api/v1/enterprise/me/", **headers)
    declarations = client.get("/api/v1/enterprise/declarations/", **headers)
    unrated = client.get("/api/v1/enterprise/declarations/?unrated=1", **headers)
    for response in (me, declarations, unrated):
        assert response.status_code == 200
        assert_nothing_of_b(response.content.decode())

    for payload in (
        {"declaration_number": "399999999999", "official_score": 5},
        {"declaration_numbers": ["399999999999"], "official_score": 5},
        {"declaration_number": "399999999999", "tax_code": "0200519875", "official_score": 5},
    ):
        response = client.post("/api/v1/enterprise/ratings/", payload, content_type="application/json", **headers)
        assert response.status_code == 400
        assert "company" in str(response.json()).lower()


def test_company_a_invitation_and_certificate_links_are_its_own(company, manager, company_b_world):
    response = signed_in(manager).get("/doanh-nghiep/chung-nhan/")
    assert response.status_code == 404  # A has no certificate; B's is never served
    assert Path(company_b_world["agreement"].certificate.path).exists()
