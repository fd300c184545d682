"""Anyone can check a copy: the certificate attached to the activation notice, uploaded in a real browser."""

import pytest
from django.test import override_settings

from customs_feedback.organization.roles import Role
from tests import factories
from tests.factories import staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(THROTTLE_SIGNATURE_VERIFY="100/hour")
def test_the_certificate_from_the_activation_notice_checks_as_valid_and_in_force(
    page, agreement_text, mailoutbox, tmp_path
):
    agreement = factories.active(staff_user(Role.PARTNERSHIP_DESK))
    activation = mailoutbox[-1]
    ((filename, content, _mimetype),) = activation.attachments
    copy = tmp_path / filename
    copy.write_bytes(content)

    page.goto("/partnerships/verify/")
    page.set_input_files("input[type=file]", str(copy))
    page.get_by_role("button", name="Kiểm tra tệp").click()

    result = page.locator("#verification-result")
    result.wait_for()
    assert "Chữ ký số của Cục Hải quan hợp lệ" in result.inner_text()
    assert "Đang có hiệu lực" in result.inner_text()
    assert agreement.reference in result.inner_text()
    assert "THỬ NGHIỆM" in result.inner_text()  # the demo seal says so


def test_a_changed_copy_is_reported_as_changed_after_signing(page, agreement_text, mailoutbox, tmp_path):
    factories.active(staff_user(Role.PARTNERSHIP_DESK))
    from tests.partnerships.pki import change_one_byte_of_content

    ((filename, content, _mimetype),) = mailoutbox[-1].attachments
    copy = tmp_path / filename
    copy.write_bytes(change_one_byte_of_content(content))

    page.goto("/partnerships/verify/")
    page.set_input_files("input[type=file]", str(copy))
    page.get_by_role("button", name="Kiểm tra tệp").click()

    assert "Đã bị sửa sau khi ký" in page.locator("#verification-result").inner_text()
