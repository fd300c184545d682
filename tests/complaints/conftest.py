"""Fixtures for the inquiries tests: files of each kind, a submitted inquiry, staff in a branch."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from complaints import services
from complaints.models import InquiryCategory
from customs_feedback.organization.roles import Role
from tests.factories import BranchFactory, staff_user


def image_bytes(image_format: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PNG_BYTES = image_bytes("PNG")
PDF_BYTES = pdf_bytes()
JPEG_BYTES = image_bytes("JPEG")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def ooxml_bytes(kind: str) -> bytes:
    main = {
        "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
        "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    }[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/{main[0]}" '
            f'ContentType="application/vnd.openxmlformats-officedocument.{main[1]}"/></Types>',
        )
        archive.writestr(main[0], "<xml/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _fresh_throttles_and_private_media(settings, tmp_path):
    """Throttle counters live in the cache; uploads go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded_categories(django_db_blocker):
    """The categories of the data migration, again: a transactional test before this one flushed every table."""
    import importlib

    from django.apps import apps

    seed = importlib.import_module("complaints.migrations.0002_seed_categories").seed
    with django_db_blocker.unblock():
        seed(apps, None)


@pytest.fixture
def category(db):
    return InquiryCategory.objects.get(code="procedures")


SUBMISSION = {
    "name": "Nguyễn Thị Hoa",
    "email": "hoa@example.vn",
    "phone": "0912 345 678",
    "tax_code": "",
    "category_code": "procedures",
    "subject": "Thủ tục tạm nhập tái xuất",
    "body": "Xin hỏi thủ tục tạm nhập tái xuất máy móc thi công?",
    "declaration_number": "",
}


@pytest.fixture
def submit(db):
    """Submit an inquiry through the service, with the sample fields overridden by keyword."""

    def make(**overrides):
        return services.inquiry_submit(**{**SUBMISSION, **overrides})

    return make


@pytest.fixture
def inquiry(submit):
    return submit()


@pytest.fixture
def branch(db):
    return BranchFactory(
        code="03CC",
        name_vi="Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I",
        name_en="Hai Phong Port Area I Customs Branch",
    )


@pytest.fixture
def desk(db):
    return staff_user(Role.INQUIRY_DESK, email="vuongmac@haiquan.example.vn")


@pytest.fixture
def officer(branch):
    return staff_user(
        Role.BRANCH_OFFICER, branch=branch, email="canbo@haiquan.example.vn", first_name="Trần", last_name="Văn Cán"
    )


@pytest.fixture
def leader(branch):
    return staff_user(Role.BRANCH_LEADER, branch=branch, email="truongchicuc@haiquan.example.vn")
