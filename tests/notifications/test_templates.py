import pytest

from customs_feedback.notifications.kinds import KINDS
from customs_feedback.notifications.rendering import render_notice
from tests.notifications.conftest import sample_context


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_notice_renders_in_vietnamese_and_english_with_a_link_back_to_the_portal(kind, settings):
    settings.SITE_URL = "https://doitac.haiquan.example.vn"

    vietnamese = render_notice(kind=kind, language="vi", context=sample_context(kind))
    english = render_notice(kind=kind, language="en", context=sample_context(kind))

    assert vietnamese.subject and english.subject
    assert vietnamese.subject != english.subject
    assert "\n" not in vietnamese.subject
    assert "Cục Hải quan thành phố Hải Phòng" in vietnamese.body_html
    assert "Hai Phong Customs Department" in english.body_html
    assert 'href="https://doitac.haiquan.example.vn/"' in vietnamese.body_html
    assert "&amp;" not in vietnamese.body_text  # plain text is not HTML-escaped
