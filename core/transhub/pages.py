"""Local page estimates, for providers that cannot count pages before charging.

PDF pages are counted exactly (pypdf); DOCX, PPTX and XLSX report what their own
metadata records (pages, slides, sheets); plain text is estimated at 1,800
characters a page.  Other kinds have no local estimate.
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

from transhub.capabilities.document import PageCount
from transhub.errors import InputError

CHARS_PER_PAGE = 1800


def count_locally(path: Path) -> PageCount:
    """Estimate the pages of ``path`` without any provider."""
    extension = path.suffix.lower().lstrip(".")
    if extension == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return PageCount(pages=len(PdfReader(path).pages), exact=True)
        except (PdfReadError, OSError, ValueError) as exc:
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
