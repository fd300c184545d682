import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_switches_language_in_a_real_browser(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Hải quan – Doanh nghiệp: đồng hành cùng phát triển"

    page.get_by_role("button", name="English").click()

    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Customs and business, working as partners"


def test_staff_sign_in_to_the_back_office(desktop_page):
    get_user_model().objects.create_superuser("quantri", "quantri@haiquan.example.vn", "correct-horse-battery")

    desktop_page.goto("/admin/")
    desktop_page.fill("#id_username", "quantri")
    desktop_page.fill("#id_password", "correct-horse-battery")
    desktop_page.click("input[type=submit]")

    assert desktop_page.locator("#site-name").inner_text() == "Cục Hải quan Hải Phòng – Hệ thống quản trị"
