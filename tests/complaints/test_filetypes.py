import io
import zipfile

import pytest

from complaints import filetypes
from tests.complaints.conftest import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, ooxml_bytes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, filetypes.PDF),
        (JPEG_BYTES, filetypes.JPEG),
        (PNG_BYTES, filetypes.PNG),
        (ooxml_bytes("docx"), filetypes.DOCX),
        (ooxml_bytes("xlsx"), filetypes.XLSX),
    ],
    ids=["pdf", "jpeg", "png", "docx", "xlsx"],
)
def test_accepted_kinds_are_recognised_by_content(content, expected):
    assert filetypes.sniff(io.BytesIO(content)) == expected


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        EXE_BYTES,
        b"",
        b"<script>alert(1)</script>",
        b"PK\x03\x04 not really a zip",
        _zip({"readme.txt": "hello"}),  # a plain ZIP archive
        _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<xml/>"}),  # no Word main part declared
        _zip({"[Content_Types].xml": "wordprocessingml.document.main+xml"}),  # declared but missing
    ],
    ids=["exe", "empty", "html", "broken-zip", "plain-zip", "undeclared", "missing-part"],
)
def test_other_content_is_refused_whatever_its_name(content):
    assert filetypes.sniff(io.BytesIO(content)) is None


def test_sniffing_leaves_the_stream_at_its_start():
    stream = io.BytesIO(ooxml_bytes("docx"))
    filetypes.sniff(stream)
    assert stream.tell() == 0


def _bomb_docx(inflated_bytes: int) -> bytes:
    """A valid-looking DOCX whose document part inflates from a few kB to `inflated_bytes`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", b"<w>" + b" " * inflated_bytes + b"</w>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>",  # a PDF header, then HTML
        PDF_BYTES[: len(PDF_BYTES) // 2],  # a truncated PDF
        PNG_BYTES[:-20],  # a truncated PNG
        JPEG_BYTES[:40],  # a JPEG header and nothing to decode
        b"\x89PNG\r\n\x1a\n<html></html>",
    ],
    ids=["pdf-then-html", "truncated-pdf", "truncated-png", "jpeg-header-only", "png-then-html"],
)
def test_a_file_that_only_starts_like_its_type_is_refused(content):
    assert filetypes.sniff(io.BytesIO(content)) is None


def test_a_docx_that_expands_far_beyond_its_size_is_refused():
    bomb = _bomb_docx(20 * 1024 * 1024)  # 20 MB of XML in about 20 kB

    assert len(bomb) < 200 * 1024
    assert filetypes.sniff(io.BytesIO(bomb)) is None


def test_a_docx_larger_unpacked_than_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_UNPACKED_BYTES = 10_000

    assert filetypes.sniff(io.BytesIO(ooxml_bytes("docx"))) == filetypes.DOCX
    assert filetypes.sniff(io.BytesIO(_bomb_docx(20_000))) is None


def test_an_image_with_more_pixels_than_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_IMAGE_PIXELS = 1000

    assert filetypes.sniff(io.BytesIO(PNG_BYTES)) is None  # 40 x 30 = 1200 pixels
