"""People of one company: invite by single-use link, roles, removal; every change is an event row."""

from __future__ import annotations

import pytest

from customs_feedback.exceptions import Conflict, PermissionDenied
from customs_feedback.notifications.models import Notification
from partnerships import members
from partnerships.models import MemberEvent, MemberRole, MemberStatus, MemberToken
from tests.enterprise.conftest import bearer, make_member, signed_in

pytestmark = pytest.mark.django_db


def accept_link(email: str) -> str:
    notice = Notification.objects.get(kind="enterprise_invitation", recipient=email)
    return next(word for word in notice.body_text.split() if "/doanh-nghiep/loi-moi/" in word)


def test_a_manager_invites_a_colleague_who_accepts_through_the_single_use_link(manager):
    client = signed_in(manager)
    response = client.post(
        "/doanh-nghiep/people/", {"action": "invite", "email": "Thu@CangDinhVu.example.vn", "role": "declarant"}
    )
    assert response.status_code == 302
    link = accept_link("thu@cangdinhvu.example.vn")
    path = link.split("://", 1)[1].split("/", 1)[1]

    visitor = signed_in(manager).__class__()
    assert visitor.get(f"/{path}").status_code == 200  # GET shows, changes nothing
    colleague = manager.enterprise.users.get(email="thu@cangdinhvu.example.vn")
    assert colleague.status == MemberStatus.INVITED
    assert visitor.post(f"/{path}").status_code == 200
    colleague.refresh_from_db()
    assert (colleague.status, colleague.role) == (MemberStatus.ACTIVE, MemberRole.DECLARANT)

    again = visitor.post(f"/{path}", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert "already been accepted" in again.content.decode()
    notes = list(MemberEvent.objects.filter(member=colleague).values_list("to_status", flat=True))
    assert notes == [MemberStatus.INVITED, MemberStatus.ACTIVE]


def test_only_managers_invite(company, manager):
    viewer = make_member(company, "xem@cangdinhvu.example.vn", role=MemberRole.VIEWER)
    with pytest.raises(PermissionDenied):
        members.member_invite(actor=viewer, email="a@example.vn", role=MemberRole.VIEWER)
    response = signed_in(viewer).post(
        "/doanh-nghiep/people/", {"action": "invite", "email": "a@example.vn", "role": "viewer"}
    )
    assert response.status_code == 400
    assert not Notification.objects.filter(kind="enterprise_invitation").exists()


def test_inviting_an_active_user_again_is_a_conflict(company, manager):
    make_member(company, "thu@cangdinhvu.example.vn", role=MemberRole.DECLARANT)
    with pytest.raises(Conflict):
        members.member_invite(actor=manager, email="thu@cangdinhvu.example.vn", role=MemberRole.VIEWER)


def test_bad_invitation_input_names_the_field(manager):
    response = signed_in(manager).post(
        "/doanh-nghiep/people/",
        {"action": "invite", "email": "not-an-email", "role": "boss"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert "Select a valid choice." in response.content.decode()


def test_removing_a_user_ends_their_tokens_and_sessions_and_is_recorded(client, company, manager):
    colleague = make_member(company, "thu@cangdinhvu.example.vn", role=MemberRole.DECLARANT)
    headers = bearer(colleague)
    session = signed_in(colleague)
    assert client.get("/api/v1/enterprise/me/", **headers).status_code == 200

    members.member_remove(actor=manager, member_id=colleague.pk)

    response = client.get("/api/v1/enterprise/me/", HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert response.status_code == 401
    assert session.get("/doanh-nghiep/").status_code == 302
    assert not MemberToken.objects.filter(member=colleague).exists()
    event = MemberEvent.objects.filter(member=colleague).last()
    assert (event.from_status, event.to_status, event.actor_member) == ("active", "removed", manager)


def test_the_representative_cannot_be_removed_or_demoted(manager, company):
    other_manager = make_member(company, "giamdoc@cangdinhvu.example.vn")
    with pytest.raises(Conflict):
        members.member_remove(actor=other_manager, member_id=manager.pk)
    with pytest.raises(Conflict):
        members.member_set_role(actor=other_manager, member_id=manager.pk, role=MemberRole.VIEWER)


def test_a_role_change_is_an_event_the_company_sees(company, manager):
    colleague = make_member(company, "thu@cangdinhvu.example.vn", role=MemberRole.VIEWER)
    client = signed_in(manager)
    client.post(
        "/doanh-nghiep/people/",
        {"action": "role", "member_id": colleague.pk, "role": "declarant"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    colleague.refresh_from_db()
    assert colleague.role == MemberRole.DECLARANT
    page = client.get("/doanh-nghiep/people/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Role changed from Viewer to Declarant" in page


def test_settings_choose_the_daily_digest(company, manager):
    client = signed_in(manager)
    response = client.post(
        "/doanh-nghiep/settings/",
        {"language": "en", "phone": "0225 3 123 456", "rating_invitations": "daily"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.language, company.rating_invitations) == ("en", "daily")
    assert MemberEvent.objects.filter(enterprise=company, note__contains="daily digest").exists()


def test_a_signed_in_manager_signs_the_agreement_without_the_email_round_trip(company, manager, settings, tmp_path):
    from partnerships.models import Agreement, AgreementStatus, AgreementTemplate
    from partnerships.services import template_publish

    settings.MEDIA_ROOT = tmp_path
    if not AgreementTemplate.objects.filter(is_current=True).exists():
        template_publish(title_vi="Thỏa thuận", title_en="Agreement", body_vi="Điều 1.", body_en="Article 1.")
    client = signed_in(manager)
    response = client.post(
        "/doanh-nghiep/agreement/",
        {"representative_name": "Nguyễn Văn Hùng", "representative_title": "Giám đốc", "accept_terms": "on"},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(enterprise=company)
    assert agreement.status == AgreementStatus.PENDING_REVIEW
    assert agreement.email_confirmed_at is not None
    assert agreement.email == manager.email
    assert not Notification.objects.filter(kind="agreement_confirm_email").exists()


def test_a_declarant_cannot_sign_the_agreement(company, manager):
    declarant = make_member(company, "thu@cangdinhvu.example.vn", role=MemberRole.DECLARANT)
    response = signed_in(declarant).post(
        "/doanh-nghiep/agreement/", {"representative_name": "A", "accept_terms": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert not company.agreements.exists()


def test_the_partnership_desk_sees_company_users_and_their_history_read_only(client, company, manager):
    from django.utils import translation

    from customs_feedback.organization.roles import Role
    from tests.factories import staff_user

    with translation.override("en"):
        members.member_invite(actor=manager, email="thu@cangdinhvu.example.vn", role=MemberRole.DECLARANT)
    client.force_login(staff_user(Role.PARTNERSHIP_DESK))
    users = client.get("/admin/partnerships/enterpriseuser/", HTTP_ACCEPT_LANGUAGE="en")
    events = client.get("/admin/partnerships/memberevent/", HTTP_ACCEPT_LANGUAGE="en")
    assert users.status_code == events.status_code == 200
    assert "thu@cangdinhvu.example.vn" in users.content.decode()
    assert "Invited as Declarant" in events.content.decode()
    colleague = company.users.get(email="thu@cangdinhvu.example.vn")
    change = client.post(f"/admin/partnerships/enterpriseuser/{colleague.pk}/change/", {"role": "manager"})
    assert change.status_code == 403
    colleague.refresh_from_db()
    assert colleague.role == MemberRole.DECLARANT


def test_a_branch_officer_sees_no_company_users(client, manager):
    from customs_feedback.organization.roles import Role
    from tests.factories import BranchFactory, staff_user

    client.force_login(staff_user(Role.BRANCH_OFFICER, branch=BranchFactory()))
    assert client.get("/admin/partnerships/enterpriseuser/").status_code == 403
