import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_in_vietnamese_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Cục Hải quan thành phố Hải Phòng" in html


def test_the_language_switch_turns_the_portal_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Hai Phong Customs Department" in html


def test_every_portal_page_has_the_language_switch_and_no_external_assets(client):
    html = client.get("/").content.decode()

    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_the_portal_is_laid_out_for_phones(client):
    html = client.get("/").content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_the_home_page_shows_public_figures_from_every_app(client):
    from customs_feedback.core import portal

    figures = portal.public_figures()
    html = client.get("/").content.decode()

    assert figures, "the partnerships and inquiries apps contribute public figures"
    for figure in figures:
        assert str(figure["label"]) in html
