import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from customs_feedback.exceptions import Conflict, InvalidTransition
from customs_feedback.notifications.models import Notification
from partnerships import services
from partnerships.models import Agreement, AgreementStatus, AgreementTemplate, Enterprise
from tests import factories
from tests.factories import EnterpriseFactory, valid_tax_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_signing_records_the_evidence_and_sends_one_confirmation_link(
    agreement_text, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        signed = factories.sign(tax_code="0100233488", email="xnk@dinhvu.example.vn")

    agreement = signed.agreement
    assert agreement.status == AgreementStatus.PENDING_EMAIL
    assert (agreement.template_version, agreement.template_sha256) == (agreement_text.version, agreement_text.sha256)
    assert agreement.signed_ip == "203.113.1.10"
    assert agreement.signed_user_agent.startswith("Mozilla/5.0")
    assert agreement.confirm_token_hash == hashlib.sha256(signed.token.encode()).hexdigest()
    assert agreement.confirm_expires_at - agreement.signed_at == timedelta(hours=48)
    assert [m.to for m in mailoutbox] == [["xnk@dinhvu.example.vn"]]
    assert f"/partnerships/confirm/{signed.token}/" in mailoutbox[0].body
    assert list(agreement.events.values_list("from_status", "to_status")) == [("", "pending_email")]


def test_signing_normalises_the_tax_code_and_creates_the_enterprise():
    signed = factories.sign(tax_code=" 0100233488001 ")

    assert signed.agreement.enterprise.tax_code == "0100233488-001"
    assert Enterprise.objects.get(tax_code="0100233488-001").name_vi == signed.agreement.company_name


@pytest.mark.parametrize(
    ("tax_code", "message"),
    [
        ("0100233489", "This tax code is not valid: its check digit does not match. Please check it."),
        ("01002334", "A tax code has 10 digits, or 13 digits for a branch (for example 0100233488-001)."),
    ],
)
def test_signing_with_an_invalid_tax_code_is_refused_and_saves_nothing(tax_code, message):
    with pytest.raises(ValidationError) as error:
        factories.sign(tax_code=tax_code)

    assert error.value.message_dict == {"tax_code": [message]}
    assert (Agreement.objects.count(), Enterprise.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_signing_without_consent_is_refused_and_saves_nothing():
    with pytest.raises(ValidationError) as error:
        factories.sign(accept_terms=False)

    assert error.value.message_dict == {"accept_terms": ["You must accept the terms of the agreement to sign it."]}
    assert (Agreement.objects.count(), Enterprise.objects.count()) == (0, 0)


def test_a_second_signing_while_one_is_in_force_is_a_conflict(desk):
    agreement = factories.active(desk, tax_code="0100233488")

    with pytest.raises(Conflict) as error:
        factories.sign(tax_code="0100233488")

    assert str(error.value) == f"This enterprise already has a partnership agreement in force (No. {agreement.number})."
    assert Agreement.objects.count() == 1


def test_a_signing_while_the_agreement_is_suspended_says_it_is_suspended_not_in_force(desk):
    agreement = factories.active(desk, tax_code="0100233488")
    services.agreement_suspend(agreement_id=agreement.pk, actor=desk, reason="Vi phạm cam kết")

    with pytest.raises(Conflict) as error:
        factories.sign(tax_code="0100233488")

    assert str(error.value) == (
        f"This enterprise's partnership agreement (No. {agreement.number}) is suspended; "
        "a new one can be signed once it is terminated."
    )


def test_a_second_signing_while_one_waits_for_review_is_a_conflict():
    factories.pending_review(tax_code="0100233488")

    with pytest.raises(Conflict):
        factories.sign(tax_code="0100233488")

    assert Agreement.objects.count() == 1


def test_signing_again_before_confirming_replaces_the_unconfirmed_request():
    first = factories.sign(tax_code="0100233488", email="wrong@example.vn")

    second = factories.sign(tax_code="0100233488", email="right@example.vn")

    first.agreement.refresh_from_db()
    assert first.agreement.status == AgreementStatus.EXPIRED
    assert second.agreement.status == AgreementStatus.PENDING_EMAIL


def test_the_database_allows_one_agreement_in_force_per_enterprise(desk):
    agreement = factories.active(desk)
    other = factories.sign(tax_code=valid_tax_code(7)).agreement

    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=other.pk).update(
            enterprise=agreement.enterprise, status=AgreementStatus.ACTIVE, number=999
        )


def test_confirming_moves_the_agreement_to_review():
    signed = factories.sign()

    agreement = services.agreement_confirm(token=signed.token)

    assert agreement.status == AgreementStatus.PENDING_REVIEW
    assert agreement.email_confirmed_at is not None
    assert list(agreement.events.values_list("to_status", flat=True)) == ["pending_email", "pending_review"]


def test_a_confirmation_link_works_once():
    signed = factories.sign()
    services.agreement_confirm(token=signed.token)

    with pytest.raises(ValidationError) as error:
        services.agreement_confirm(token=signed.token)

    assert error.value.message_dict == {"token": ["This confirmation link has already been used."]}


def test_an_expired_confirmation_link_is_refused_and_changes_nothing():
    signed = factories.sign()

    with pytest.raises(ValidationError) as error:
        services.agreement_confirm(token=signed.token, now=timezone.now() + timedelta(hours=49))

    assert error.value.message_dict == {"token": ["This confirmation link has expired. Please sign again."]}
    signed.agreement.refresh_from_db()
    assert signed.agreement.status == AgreementStatus.PENDING_EMAIL


def test_an_unknown_confirmation_token_is_refused():
    with pytest.raises(ValidationError) as error:
        services.agreement_confirm(token="not-a-token")

    assert error.value.message_dict == {
        "token": ["This confirmation link is not valid. Please use the link in the latest email we sent."]
    }


def test_countersigning_numbers_the_agreement_stores_the_certificate_and_notifies_with_it(
    desk, django_capture_on_commit_callbacks, mailoutbox
):
    agreement = factories.pending_review(company_name="Công ty TNHH Thép Đình Vũ", email="thep@dinhvu.example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        agreement = services.agreement_countersign(agreement_id=agreement.pk, actor=desk)

    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.number >= 1
    assert agreement.countersigned_by == desk
    pdf = agreement.certificate.read()
    assert pdf.startswith(b"%PDF")
    assert agreement.certificate_sha256 == hashlib.sha256(pdf).hexdigest()
    assert agreement.events.last().actor == desk
    (message,) = mailoutbox
    assert message.to == ["thep@dinhvu.example.vn"]
    assert str(agreement.number) in message.subject
    assert [(name, mimetype) for name, _content, mimetype in message.attachments] == [
        (f"thoa-thuan-hop-tac-{agreement.number}.pdf", "application/pdf")
    ]
    assert message.attachments[0][1] == pdf


def test_agreement_numbers_are_sequential(desk):
    first = factories.active(desk)
    second = factories.active(desk)

    assert second.number == first.number + 1


def test_countersigning_updates_the_registry_from_the_verified_signature(desk):
    enterprise = EnterpriseFactory(tax_code="0100233488", name_vi="Tên cũ", email="cu@example.vn")

    factories.active(desk, tax_code="0100233488", company_name="Công ty CP Cảng Hải Phòng", email="moi@example.vn")

    enterprise.refresh_from_db()
    assert (enterprise.name_vi, enterprise.email) == ("Công ty CP Cảng Hải Phòng", "moi@example.vn")


@pytest.mark.parametrize("status", ["pending_email", "active", "rejected"])
def test_only_an_agreement_waiting_for_review_can_be_countersigned(desk, status):
    agreement = factories.sign().agreement
    if status == "active":
        agreement = factories.active(desk)
    elif status == "rejected":
        agreement = services.agreement_reject(
            agreement_id=factories.pending_review().pk, actor=desk, reason="Thiếu thông tin"
        )
    before = agreement.events.count()

    with pytest.raises(InvalidTransition) as error:
        services.agreement_countersign(agreement_id=agreement.pk, actor=desk)

    label = AgreementStatus(status).label
    assert str(error.value) == f"Only an agreement waiting for review can be countersigned; this one is “{label}”."
    assert agreement.events.count() == before


def test_rejecting_records_the_reason_and_tells_the_enterprise(desk, django_capture_on_commit_callbacks, mailoutbox):
    agreement = factories.pending_review()

    with django_capture_on_commit_callbacks(execute=True):
        agreement = services.agreement_reject(agreement_id=agreement.pk, actor=desk, reason="Mã số thuế không khớp")

    assert agreement.status == AgreementStatus.REJECTED
    assert agreement.events.last().note == "Mã số thuế không khớp"
    assert "Mã số thuế không khớp" in mailoutbox[0].body


@pytest.mark.parametrize("service", [services.agreement_reject, services.agreement_suspend])
def test_a_decision_without_a_reason_is_refused(desk, service):
    agreement = factories.pending_review()

    with pytest.raises(ValidationError) as error:
        service(agreement_id=agreement.pk, actor=desk, reason="  ")

    assert error.value.message_dict == {"reason": ["Please give the reason; it is sent to the enterprise."]}


def test_suspending_then_reinstating_keeps_the_number(desk, django_capture_on_commit_callbacks, mailoutbox):
    agreement = factories.active(desk)

    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_suspend(agreement_id=agreement.pk, actor=desk, reason="Vi phạm pháp luật hải quan")
    reinstated = services.agreement_reinstate(agreement_id=agreement.pk, actor=desk)

    assert (reinstated.status, reinstated.number) == (AgreementStatus.ACTIVE, agreement.number)
    assert mailoutbox[-1].subject.endswith("is suspended") or str(agreement.number) in mailoutbox[-1].subject
    assert list(reinstated.events.values_list("to_status", flat=True))[-2:] == ["suspended", "active"]


def test_terminating_ends_the_agreement_and_allows_a_new_signing(desk):
    agreement = factories.active(desk, tax_code="0100233488")

    agreement = services.agreement_terminate(agreement_id=agreement.pk, actor=desk, reason="Doanh nghiệp giải thể")

    assert agreement.status == AgreementStatus.TERMINATED
    assert agreement.ended_at is not None
    assert factories.sign(tax_code="0100233488").agreement.status == AgreementStatus.PENDING_EMAIL


def test_an_agreement_waiting_for_review_cannot_be_suspended(desk):
    agreement = factories.pending_review()

    with pytest.raises(InvalidTransition):
        services.agreement_suspend(agreement_id=agreement.pk, actor=desk, reason="Lý do")


def test_unconfirmed_agreements_expire_after_the_link_does():
    stale = factories.sign().agreement
    fresh = factories.sign().agreement
    Agreement.objects.filter(pk=stale.pk).update(confirm_expires_at=timezone.now() - timedelta(minutes=1))

    assert services.agreements_expire_unconfirmed() == 1
    assert services.agreements_expire_unconfirmed() == 0

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == (AgreementStatus.EXPIRED, AgreementStatus.PENDING_EMAIL)
    assert stale.events.last().note == "confirmation link expired"


def test_publishing_a_text_makes_it_the_only_current_version(agreement_text):
    new = services.template_publish(title_vi="Mới", title_en="New", body_vi="Nội dung", body_en="Text")

    assert new.version == agreement_text.version + 1
    assert list(AgreementTemplate.objects.filter(is_current=True)) == [new]
    assert new.sha256 == new.compute_sha256()


def test_the_text_hash_changes_with_any_word_of_the_text(agreement_text):
    changed = AgreementTemplate(**{f: getattr(agreement_text, f) for f in ["version", "title_vi", "title_en"]})
    changed.body_vi, changed.body_en = agreement_text.body_vi + ".", agreement_text.body_en

    assert changed.compute_sha256() != agreement_text.sha256
