"""Attachments are parsed whole as the type they claim; through the API, anything else is a 400."""

import pytest
from rest_framework.test import APIClient

from complaints.models import Inquiry, InquiryAttachment
from tests.complaints.conftest import upload
from tests.complaints.test_api import PAYLOAD
from tests.complaints.test_filetypes import _bomb_docx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("to-khai.pdf", b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>"),
        ("hop-dong.docx", _bomb_docx(20 * 1024 * 1024)),
    ],
    ids=["pdf-header-then-html", "docx-expanding-to-20MB"],
)
def test_a_file_that_does_not_parse_as_its_type_is_a_400(name, content):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/inquiries/", {**PAYLOAD, "attachments": [upload(name, content)]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"attachments": [f"“{name}” is not a PDF, JPEG, PNG, Word (DOCX) or Excel (XLSX) file."]}
    assert not Inquiry.objects.exists() and not InquiryAttachment.objects.exists()
