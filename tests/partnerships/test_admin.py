import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customs_feedback.organization.roles import Role
from partnerships.models import Agreement, AgreementStatus, AgreementTemplate
from tests import factories
from tests.factories import BranchFactory, EnterpriseFactory, staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]

CHANGELIST = "/admin/partnerships/agreement/"
NO_INLINE_ROWS = {"agreements-TOTAL_FORMS": "0", "agreements-INITIAL_FORMS": "0"}


def run_action(client, action, agreements, **extra):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [a.pk for a in agreements], **extra}, follow=True
    )


def test_the_desk_countersigns_from_the_list(client, desk, django_capture_on_commit_callbacks, mailoutbox):
    agreement = factories.pending_review()
    client.force_login(desk)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(client, "countersign", [agreement])

    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert "Đã ký xác nhận 1 thỏa thuận." in response.content.decode()
    assert mailoutbox[-1].attachments[0][2] == "application/pdf"


def test_a_refused_action_is_reported_and_changes_nothing(client, desk):
    agreement = factories.sign().agreement
    client.force_login(desk)

    response = run_action(client, "countersign", [agreement])

    assert "Chỉ có thể ký xác nhận thỏa thuận đang chờ xem xét" in response.content.decode()
    assert Agreement.objects.get().status == AgreementStatus.PENDING_EMAIL


def test_suspending_asks_for_the_reason_first(client, desk, django_capture_on_commit_callbacks, mailoutbox):
    agreement = factories.active(desk)
    client.force_login(desk)

    form = run_action(client, "suspend", [agreement])
    with django_capture_on_commit_callbacks(execute=True):
        done = run_action(client, "suspend", [agreement], apply="1", reason="Vi phạm pháp luật hải quan")

    assert "Lý do (gửi tới doanh nghiệp)" in form.content.decode()
    assert "Đã tạm dừng 1 thỏa thuận." in done.content.decode()
    agreement.refresh_from_db()
    assert (agreement.status, agreement.reason) == (AgreementStatus.SUSPENDED, "Vi phạm pháp luật hải quan")
    assert "Vi phạm pháp luật hải quan" in mailoutbox[-1].body


def test_an_empty_reason_is_asked_again(client, desk):
    agreement = factories.pending_review()
    client.force_login(desk)

    response = run_action(client, "reject", [agreement], apply="1", reason="")

    assert "Trường này là bắt buộc." in response.content.decode()
    assert Agreement.objects.get().status == AgreementStatus.PENDING_REVIEW


def test_the_certificate_downloads_from_the_admin(client, desk):
    agreement = factories.active(desk)
    client.force_login(desk)

    page = client.get(f"{CHANGELIST}{agreement.pk}/change/").content.decode()
    response = client.get(f"{CHANGELIST}{agreement.pk}/certificate/")

    assert "Tải giấy chứng nhận" in page
    assert "đã ký xác nhận, số" in page  # the history inline, in the reader's language
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == agreement.certificate.read()


def test_search_by_tax_code_number_and_filters_by_branch_and_month(client, desk):
    branch = BranchFactory(code="03CC")
    EnterpriseFactory(tax_code="0100233488", branch=branch)
    mine = factories.active(desk, tax_code="0100233488")
    other = factories.active(desk)
    Agreement.objects.filter(pk=other.pk).update(number=15621)
    client.force_login(desk)

    by_tax_code = client.get(CHANGELIST, {"q": "0100233488"}).context["cl"].result_list
    by_number = client.get(CHANGELIST, {"q": "15621"}).context["cl"].result_list
    by_branch = client.get(CHANGELIST, {"enterprise__branch__id__exact": branch.pk}).context["cl"].result_list
    month = mine.activated_at.strftime("%Y-%m")
    by_month = client.get(CHANGELIST, {"month": month, "status__exact": "active"}).context["cl"].result_list

    assert list(by_tax_code) == [mine]
    assert list(by_number) == [other]
    assert list(by_branch) == [mine]
    assert set(by_month) == {mine, other}


def test_the_registry_lists_filter_without_reading_every_agreement_or_enterprise(client, desk):
    """Filter choices come from the small branch table or fixed lists: no DISTINCT over the big tables (the
    date hierarchy, "only branches with agreements" and the months with activations each did one per load)."""
    EnterpriseFactory(tax_code="0100233488", branch=BranchFactory(code="03CC"))
    mine = factories.active(desk, tax_code="0100233488")
    client.force_login(desk)

    with CaptureQueriesContext(connection) as agreements:
        page = client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as enterprises:
        client.get("/admin/partnerships/enterprise/")

    scans = [query["sql"] for query in [*agreements, *enterprises] if "DISTINCT" in query["sql"]]
    assert scans == []
    filters = page.content.decode()
    assert f"?month={mine.activated_at:%Y-%m}" in filters and "03CC" in filters


def test_a_branch_leader_sees_no_agreements(client):
    factories.pending_review()
    leader = staff_user(Role.BRANCH_LEADER, branch=BranchFactory())
    client.force_login(leader)

    assert client.get(CHANGELIST).status_code == 403


def test_an_invalid_tax_code_is_refused_in_the_enterprise_form(client, desk):
    client.force_login(desk)

    response = client.post(
        "/admin/partnerships/enterprise/add/",
        {"tax_code": "0100233489", "name_vi": "Công ty A", "language": "vi", **NO_INLINE_ROWS},
    )

    assert "Mã số thuế không hợp lệ" in response.content.decode()


def test_the_enterprise_form_stores_the_normalised_tax_code(client, desk):
    client.force_login(desk)

    client.post(
        "/admin/partnerships/enterprise/add/",
        {"tax_code": "0100233488001", "name_vi": "Công ty A", "language": "vi", **NO_INLINE_ROWS},
    )

    assert EnterpriseFactory._meta.model.objects.get().tax_code == "0100233488-001"


def test_publishing_a_new_text_in_the_admin_makes_it_current(client, desk, agreement_text):
    client.force_login(desk)

    client.post(
        "/admin/partnerships/agreementtemplate/add/",
        {"title_vi": "Thỏa thuận (2021)", "title_en": "Agreement (2021)", "body_vi": "Điều 1.", "body_en": "Art. 1."},
    )

    current = AgreementTemplate.objects.get(is_current=True)
    assert (current.version, current.title_vi) == (agreement_text.version + 1, "Thỏa thuận (2021)")
    assert current.sha256 == current.compute_sha256()


def test_the_agreement_page_offers_the_decisions_its_status_allows(client, desk, django_capture_on_commit_callbacks):
    agreement = factories.pending_review()
    client.force_login(desk)

    page = client.get(f"{CHANGELIST}{agreement.pk}/change/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "countersign", "_selected_action": agreement.pk})
    after = client.get(f"{CHANGELIST}{agreement.pk}/change/").content.decode()

    assert 'value="countersign"' in page
    assert 'value="reject"' in page
    assert 'value="suspend"' not in page
    assert 'value="suspend"' in after
    assert 'value="countersign"' not in after


def test_staff_outside_the_partnership_desk_cannot_open_agreements(client):
    agreement = factories.pending_review()
    viewer = staff_user(Role.INQUIRY_DESK)
    client.force_login(viewer)

    assert client.get(f"{CHANGELIST}{agreement.pk}/change/").status_code == 403


def test_an_enterprise_page_lists_its_agreements(client, desk):
    agreement = factories.active(desk, tax_code="0100233488")
    client.force_login(desk)

    page = client.get(f"/admin/partnerships/enterprise/{agreement.enterprise.pk}/change/").content.decode()

    assert agreement.reference in page


def test_event_notes_and_statuses_show_in_vietnamese(client, desk, django_capture_on_commit_callbacks):
    agreement = factories.pending_review()
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(client, "countersign", [agreement])
    agreement.refresh_from_db()

    page = client.get(f"{CHANGELIST}{agreement.pk}/change/").content.decode()

    assert "ký trên cổng thông tin" in page and "signed on the portal" not in page
    assert "đã xác nhận email" in page
    assert f"đã ký xác nhận, số {agreement.number}" in page
    assert "pending_review" not in page.split("status-history")[1]
