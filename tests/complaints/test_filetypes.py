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
