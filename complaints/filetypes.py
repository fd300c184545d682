"""Recognise an uploaded file by its content, never by its name or the browser's claimed type.

The magic bytes say what a file claims to be; the whole file must then parse as that type: a PDF
opens with pypdf and every page resolves, an image decodes completely with Pillow (within a pixel
limit), a DOCX or XLSX is a ZIP whose [Content_Types].xml declares the Word or Excel main part, which
unpacks completely (CRC checked) within a total size and a compression-ratio limit (zip bombs).
"""

from __future__ import annotations

import logging
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


PDF = FileType("pdf", "application/pdf")
JPEG = FileType("jpg", "image/jpeg")
PNG = FileType("png", "image/png")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

_OOXML = {
    DOCX: ("word/document.xml", b"wordprocessingml.document.main+xml"),
    XLSX: ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}
_MAX_ZIP_ENTRIES = 5000
_READ_CHUNK = 1024 * 1024


def sniff(stream: IO[bytes]) -> FileType | None:
    """The type of an accepted file, or None; the stream is left at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF if _opens_as_pdf(stream) else None
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG if _decodes_as_image(stream, "JPEG") else None
        if head == b"\x89PNG\r\n\x1a\n":
            return PNG if _decodes_as_image(stream, "PNG") else None
        if head.startswith(b"PK\x03\x04"):
            return _sniff_ooxml(stream)
        return None
    finally:
        stream.seek(0)


def _opens_as_pdf(stream: IO[bytes]) -> bool:
    from pypdf import PdfReader  # imported where used: the admin loads this module, pypdf is slow to load
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:  # staff could not open it either
            return False
        pages = reader.pages
        if len(pages) == 0:
            return False
        for page in pages:
            page.mediabox  # noqa: B018 - resolving each page object is the check
        return True
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError) as error:
        logger.info("an upload starting like a PDF does not open as one: %s", error)
        return False


def _decodes_as_image(stream: IO[bytes], expected_format: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=[expected_format]) as image:
                if image.width * image.height > settings.ATTACHMENT_MAX_IMAGE_PIXELS:
                    return False
                image.verify()  # the container: chunk checksums up to the end marker
            stream.seek(0)
            with Image.open(stream, formats=[expected_format]) as image:
                image.load()  # the pixels: a truncated or corrupt image fails here
        return True
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError, OSError, ValueError):
        return False
    except SyntaxError:  # Pillow's plugins raise it for malformed headers
        return False


def _sniff_ooxml(stream: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if not _within_unpack_limits(entries):
                return None
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names:
                return None
            manifest = archive.read("[Content_Types].xml")
            kind = next(
                (file_type for file_type, (main, marker) in _OOXML.items() if main in names and marker in manifest),
                None,
            )
            if kind is None:
                return None
            for entry in entries:  # unpack all of it: a CRC or a size that lies fails here
                with archive.open(entry) as member:
                    while member.read(_READ_CHUNK):
                        pass
            return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        return None


def _within_unpack_limits(entries: list[zipfile.ZipInfo]) -> bool:
    """Declared sizes bound what unpacking produces (zipfile stops at them), so they are checked first."""
    if len(entries) > _MAX_ZIP_ENTRIES:
        return False
    total = sum(entry.file_size for entry in entries)
    if total > settings.ATTACHMENT_MAX_UNPACKED_BYTES:
        return False
    for entry in entries:
        ratio_base = max(entry.compress_size, 1024)  # tiny entries compress wildly and harmlessly
        if entry.file_size / ratio_base > settings.ATTACHMENT_MAX_COMPRESSION_RATIO:
            return False
    return True
