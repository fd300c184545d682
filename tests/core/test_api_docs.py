import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served_without_authentication(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_swagger_ui_is_served_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_swagger_ui_script_is_served_separately_so_csp_forbids_inline_scripts(client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
