import re

import pytest
from django.utils import translation

from customs_feedback.notifications.models import Notification
from partnerships import services
from partnerships.models import Agreement
from partnerships.text_acceptance import with_current_text_accepted
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("agreement_text")]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def publish_v2():
    return services.template_publish(
        title_vi="Thỏa thuận hợp tác (sửa đổi)",
        title_en="Partnership agreement (amended)",
        body_vi="Điều 1. Sửa đổi.",
        body_en="Article 1. Amended.",
    )


def accepted(agreement) -> bool:
    return with_current_text_accepted(Agreement.objects.filter(pk=agreement.pk)).get().accepted_current_text


def accept_link(mail) -> str:
    return re.search(r"http://\S+/partnerships/accept/(\S+)/", mail.body).group(0).split("testserver")[-1]


def test_publishing_a_new_text_asks_every_partner_and_only_partners(
    desk, mailoutbox, django_capture_on_commit_callbacks
):
    partners = [factories.active(desk), factories.active(desk)]
    waiting = factories.pending_review()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        template = publish_v2()

    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in partners)
    assert all(f"phiên bản {template.version}" in m.subject for m in mailoutbox)  # in the partners' language
    assert not Notification.objects.filter(kind="agreement_text_updated", recipient=waiting.email).exists()
    assert [accepted(p) for p in partners] == [False, False]


def test_a_partner_accepts_the_new_text_by_the_emailed_link_with_a_button(
    client, desk, mailoutbox, django_capture_on_commit_callbacks
):
    partner, other = factories.active(desk), factories.active(desk)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_v2()
    link = accept_link(next(m for m in mailoutbox if m.to == [partner.email])).replace("http://127.0.0.1:8000", "")

    shown = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert shown.status_code == 200
    assert "I accept the new text" in shown.content.decode()
    assert not accepted(partner)  # GET changes nothing

    done = client.post(link, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    assert "has accepted version 2" in done.content.decode()
    assert (accepted(partner), accepted(other)) == (True, False)
    client.post(link)
    assert partner.text_acceptances.count() == 1


def test_a_link_for_an_older_text_or_a_forged_link_cannot_be_used(
    client, desk, mailoutbox, django_capture_on_commit_callbacks
):
    factories.active(desk)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_v2()
    old_link = accept_link(mailoutbox[0]).replace("http://127.0.0.1:8000", "")
    publish_v2()

    stale = client.post(old_link, HTTP_ACCEPT_LANGUAGE="en")
    forged = client.post("/partnerships/accept/not-a-token/", HTTP_ACCEPT_LANGUAGE="en")

    assert stale.status_code == 400
    assert "A newer text has been published since." in stale.content.decode()
    assert forged.status_code == 400
    assert "This link is not valid." in forged.content.decode()


def test_the_registry_filters_partners_by_acceptance_of_the_current_text(admin_client, desk):
    partner = factories.active(desk)
    publish_v2()
    signed_v2 = factories.active(desk)

    not_yet = admin_client.get("/admin/partnerships/agreement/?current_text=no")
    yes = admin_client.get("/admin/partnerships/agreement/?current_text=yes")

    assert [a.pk for a in not_yet.context["cl"].result_list] == [partner.pk]
    assert [a.pk for a in yes.context["cl"].result_list] == [signed_v2.pk]


def test_the_enterprise_portal_shows_a_manager_the_new_text_to_accept(desk):
    from django.urls import reverse

    from partnerships.models import MemberRole
    from tests.enterprise.conftest import make_member, signed_in

    partner = factories.active(desk)
    manager = signed_in(make_member(partner.enterprise, partner.email, role=MemberRole.MANAGER))
    section = reverse("enterprise:section", args=["agreement"])
    assert "text-to-accept" not in manager.get(section).content.decode()

    publish_v2()
    page = manager.get(section).content.decode()

    assert 'id="text-to-accept"' in page
    link = re.search(r'href="(/partnerships/accept/[^"]+/)"', page).group(1)
    manager.post(link)
    assert accepted(partner)
    assert "text-to-accept" not in manager.get(section).content.decode()
