"""What the emulator reads from an uploaded file: pages to charge, blank text,
encryption, a crude language guess.  Never more than a chunk in memory."""

from __future__ import annotations

from pathlib import Path

_CHUNK = 1024 * 1024


def pages(path: Path, extension: str) -> int:
    """The page count the emulator charges: a PDF's pages; ~2000 characters a page of
    text; for other documents, a page per 50 KB."""
    size = path.stat().st_size
    if extension == "pdf":
        try:
            from pypdf import PdfReader

            return max(1, len(PdfReader(path).pages))
        except Exception:
            return 1
    if extension == "txt":
        return max(1, -(-size // 2000))
    return max(1, -(-size // 50_000))


def blank(path: Path) -> bool:
    """Whether a text file holds only white space (read in chunks: it may be 50 MB)."""
    with path.open("rb") as handle:
        return all(not chunk.strip() for chunk in iter(lambda: handle.read(_CHUNK), b""))


def encrypted(path: Path) -> bool:
    """Whether a PDF is password-protected."""
    try:
        from pypdf import PdfReader

        return bool(PdfReader(path).is_encrypted)
    except Exception:
        return False


def detect(path: Path, doc_type: str) -> str:
    """A crude language guess for auto-detected sources: Chinese when the text has
    CJK characters, English otherwise."""
    if doc_type != "txt":
        return "en"
    with path.open("rb") as handle:
        sample = handle.read(4096).decode("utf-8", errors="ignore")
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in sample) else "en"
