"""Which files a group may share: the type is read from the file's first bytes and its
contents, not trusted from its name or from what the browser says. Plain data in and out.

Accepted: PDF, PNG, JPEG, OpenDocument text (odt), Word (docx), Excel (xlsx) and plain text
(UTF-8), up to `MAX_BYTES`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import BinaryIO

MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TXT = "text/plain; charset=utf-8"

EXTENSIONS = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".odt": ODT,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".txt": TXT,
}
ACCEPTED = "PDF, PNG, JPEG, ODT, DOCX, XLSX, TXT"


def _zip_kind(handle: BinaryIO) -> str | None:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(name: str, handle: BinaryIO) -> str | None:
    """The content type of the file if it is one we accept and its contents match its
    extension; None otherwise. `handle` is read from its start and left at its start."""
    expected = EXTENSIONS.get(PurePath(name or "").suffix.lower())
    if expected is None:
        return None
    handle.seek(0)
    try:
        head = handle.read(8)
        if expected == PDF:
            found = PDF if head.startswith(b"%PDF-") else None
        elif expected == PNG:
            found = PNG if head.startswith(b"\x89PNG\r\n\x1a\n") else None
        elif expected == JPEG:
            found = JPEG if head.startswith(b"\xff\xd8\xff") else None
        elif expected == TXT:
            handle.seek(0)
            found = TXT if _is_text(handle.read(MAX_BYTES + 1)) else None
        else:
            handle.seek(0)
            found = _zip_kind(io.BytesIO(handle.read(MAX_BYTES + 1)))
    finally:
        handle.seek(0)
    return found if found == expected else None
