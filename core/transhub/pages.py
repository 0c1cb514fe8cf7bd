"""Local page estimates, for providers that cannot count pages before charging.

PDF pages are counted exactly (pypdf); DOCX, PPTX and XLSX report what their own
metadata records (pages, slides, sheets); plain text is estimated at 1,800
characters a page.  Other kinds have no local estimate.

Nothing here reads a whole document: a PDF is read through an open file (its
trailer, cross-reference table, catalogue and page tree root: tens of KB of a 50 MB
scan), a ZIP container through its central directory and the one member asked for,
and a text in lines.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from transhub.capabilities.document import PageCount
from transhub.errors import InputError

if TYPE_CHECKING:
    from pypdf import PdfReader

CHARS_PER_PAGE = 1800
_T = TypeVar("_T")
#: A small read buffer: pypdf seeks from object to object, and each seek refills it.
_PDF_BUFFER = 4096


def read_pdf(path: Path, read: Callable[[PdfReader], _T]) -> _T:
    """``read(reader)`` for the PDF at ``path``, the file read only where pypdf seeks.

    A path given to pypdf is read whole into memory; an open file is not.  The strict
    reader goes straight to what is asked for; a file it refuses (a slightly damaged
    cross-reference table, say) is read again tolerantly, which also checks every
    object's header (a few KB per object, still not the file).  Raises pypdf's
    ``PdfReadError``, ``OSError`` or ``ValueError`` for a PDF that cannot be read.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    with path.open("rb", buffering=_PDF_BUFFER) as handle:
        try:
            return read(PdfReader(handle, strict=True))
        except (PdfReadError, ValueError, KeyError, TypeError):
            handle.seek(0)
            return read(PdfReader(handle, strict=False))


def pdf_page_count(reader: PdfReader) -> int:
    """The page tree's ``/Count`` (one object); the pages themselves only when it
    is missing or not a positive number."""
    tree = reader.root_object["/Pages"].get_object()
    count = tree.get("/Count") if isinstance(tree, dict) else None
    if isinstance(count, int) and count > 0:
        return count
    return len(reader.pages)


def count_locally(path: Path) -> PageCount:
    """Estimate the pages of ``path`` without any provider."""
    extension = path.suffix.lower().lstrip(".")
    if extension == "pdf":
        from pypdf.errors import FileNotDecryptedError, PdfReadError

        try:
            return PageCount(pages=read_pdf(path, pdf_page_count), exact=True)
        except FileNotDecryptedError:
            # Worded as validation words it, so `doc pages` and `doc translate` agree.
            raise InputError(
                "cannot count pages: is password-protected (remove the password first)",
                path=path,
            ) from None
        except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"cannot count pages: not a readable PDF ({exc})", path=path) from None
    if extension in ("docx", "pptx"):
        tag = "Pages" if extension == "docx" else "Slides"
        count = _app_property(path, tag)
        if count is not None:
            return PageCount(pages=max(count, 1), exact=False)
    if extension == "xlsx":
        try:
            with zipfile.ZipFile(path) as archive:
                sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        except zipfile.BadZipFile:
            raise InputError("cannot count pages: not a valid XLSX file", path=path) from None
        return PageCount(pages=max(len(sheets), 1), exact=False)
    if extension == "txt":
        with path.open(encoding="utf-8", errors="replace") as handle:
            chars = sum(len(line) for line in handle)
        return PageCount(pages=max(1, math.ceil(chars / CHARS_PER_PAGE)), exact=False)
    raise InputError(f"cannot estimate the pages of a .{extension} file locally", path=path)


def _app_property(path: Path, tag: str) -> int | None:
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("docProps/app.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return None
    match = re.search(rf"<{tag}>(\d+)</{tag}>", xml)
    return int(match.group(1)) if match else None
