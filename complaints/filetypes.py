"""Recognise an uploaded file by its content, never by its name or the browser's claimed type.

PDF, JPEG and PNG by their magic bytes; DOCX and XLSX as ZIP containers whose [Content_Types].xml
declares the Word or Excel main part and which hold that part (word/document.xml, xl/workbook.xml).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO


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
_MAX_CONTENT_TYPES_BYTES = 1_000_000


def sniff(stream: IO[bytes]) -> FileType | None:
    """The type of an accepted file, or None; the stream is left at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head == b"\x89PNG\r\n\x1a\n":
            return PNG
        if head.startswith(b"PK\x03\x04"):
            return _sniff_ooxml(stream)
        return None
    finally:
        stream.seek(0)


def _sniff_ooxml(stream: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_CONTENT_TYPES_BYTES:  # a zip bomb posing as a manifest
                return None
            manifest = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    for file_type, (main_part, marker) in _OOXML.items():
        if main_part in names and marker in manifest:
            return file_type
    return None
