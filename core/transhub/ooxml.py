"""Whether a zip named .docx, .xlsx, .pptx (and .odt, .ofd) is that kind of package.

The zip signature alone lets any zip through (a zip of junk was sent and paid for).
A package is judged by its central directory only, as :mod:`zipfile` reads it (the
member names, never their data): nothing is decompressed but, when the main part is
not where it usually is, the package's ``_rels/.rels`` (a few hundred bytes, read up
to a small cap) for the part it names.  What is read does not grow with the file's
size, only with its number of members.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from transhub.errors import InputError

#: Extension → (what it is, the main part, whether it is OOXML: [Content_Types].xml
#: and _rels/.rels apply).
_PACKAGES: dict[str, tuple[str, str, bool]] = {
    "docx": ("a Word document", "word/document.xml", True),
    "docm": ("a Word document", "word/document.xml", True),
    "dotx": ("a Word template", "word/document.xml", True),
    "dotm": ("a Word template", "word/document.xml", True),
    "xlsx": ("an Excel workbook", "xl/workbook.xml", True),
    "pptx": ("a PowerPoint presentation", "ppt/presentation.xml", True),
    "odt": ("an OpenDocument text", "content.xml", False),
    "ofd": ("an OFD document", "OFD.xml", False),
}
CONTENT_TYPES = "[Content_Types].xml"
RELS = "_rels/.rels"
#: ``_rels/.rels`` is read (inflated) up to this many bytes only.
_MAX_RELS = 64 * 1024
_OFFICE_DOCUMENT = re.compile(
    rb"<Relationship\b[^>]*?Type=\"[^\"]*/officeDocument\"[^>]*>", re.IGNORECASE
)
_TARGET = re.compile(rb"Target=\"([^\"]+)\"")


def is_package(extension: str) -> bool:
    """Whether files named ``.extension`` are checked as packages here."""
    return extension in _PACKAGES


def check_package(path: Path, extension: str) -> None:
    """Refuse ``path`` unless its zip's central directory holds the package's parts:
    ``[Content_Types].xml`` and the main part (``word/document.xml`` for .docx, or
    the part ``_rels/.rels`` names).  An :class:`InputError` (exit 4) otherwise:
    ``is not a Word document (the zip holds no word/document.xml)``."""
    kind, main, office = _PACKAGES[extension]
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.replace("\\", "/") for name in archive.namelist()}
            if office and main not in names and RELS in names:
                main = _office_document(archive) or main
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"is not {kind} (not a readable zip: {exc})", path=path) from None
    for part in (main, CONTENT_TYPES) if office else (main,):
        if part not in names:
            raise InputError(f"is not {kind} (the zip holds no {part})", path=path)


def _office_document(archive: zipfile.ZipFile) -> str | None:
    """The main part ``_rels/.rels`` names (its officeDocument relationship), or
    ``None`` when it cannot be read."""
    try:
        with archive.open(RELS) as member:
            data = member.read(_MAX_RELS)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return None  # damaged, encrypted or compressed in a way zipfile cannot read
    relationship = _OFFICE_DOCUMENT.search(data)
    target = _TARGET.search(relationship.group(0)) if relationship else None
    if target is None:
        return None
    return target.group(1).decode("utf-8", "replace").lstrip("/")
