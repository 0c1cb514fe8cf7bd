"""What DeepL accepts, from its reference: document formats and sizes per plan, the
text request limits, and the characters a document is billed for.

Checked by the core (through the declared :data:`DOCUMENTS`) and by the plugin
before anything is sent; the emulator keeps its own copy of these facts.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from transhub.capabilities.base import FileLimits
from transhub.errors import InputError, LimitExceededError

KB = 1000
MB = 1000 * 1000

#: Extension → (Free plan bytes, Pro plan bytes), from "Maximum upload limits per format".
UPLOAD_LIMITS: dict[str, tuple[int, int]] = {
    "docx": (10 * MB, 30 * MB),
    "doc": (10 * MB, 30 * MB),
    "pptx": (10 * MB, 30 * MB),
    "xlsx": (10 * MB, 30 * MB),
    "pdf": (10 * MB, 30 * MB),
    "txt": (1 * MB, 1 * MB),
    "htm": (5 * MB, 5 * MB),
    "html": (5 * MB, 5 * MB),
    "xlf": (10 * MB, 10 * MB),
    "xliff": (10 * MB, 10 * MB),
    "srt": (150 * KB, 150 * KB),
}
#: The declaration the core checks: every format, at the largest size any plan takes
#: (the plan's own limit per format is checked by :func:`check_upload`).
DOCUMENTS = FileLimits(
    extensions=frozenset(UPLOAD_LIMITS), max_bytes=max(p for _, p in UPLOAD_LIMITS.values())
)
#: A ``.doc`` comes back as ``.docx``.
RESULT_EXTENSIONS = {"doc": "docx"}
#: ``output_format`` conversions DeepL performs (input → outputs); decided in the docs.
OUTPUT_FORMATS: dict[str, frozenset[str]] = {"pdf": frozenset({"docx"})}

#: Every submitted document of these types is billed at least this many characters.
MINIMUM_BILLED = 50_000
MINIMUM_BILLED_TYPES = frozenset({"docx", "doc", "pptx", "xlsx", "pdf"})

#: ``/v2/translate``: at most this many texts per request, and this many bytes per request.
MAX_TEXTS_PER_REQUEST = 50
MAX_REQUEST_BYTES = 128 * 1024
#: Room kept for the rest of the JSON body (languages, options, quoting).
REQUEST_OVERHEAD = 2 * 1024
#: The bytes of texts one request carries (UTF-8, JSON-quoted): the limit that counts,
#: checked by :func:`~transhub_deepl.capabilities.text.batches` before sending.
MAX_TEXT_BYTES = MAX_REQUEST_BYTES - REQUEST_OVERHEAD
#: The character bound the core checks: a character is at least one byte, so a text
#: of more characters never fits, and this is never stricter than DeepL (dividing by
#: 4, the most bytes a character takes, refused 36,000 ASCII characters of 36 KB).
MAX_TEXT_CHARS = MAX_TEXT_BYTES

FORMALITIES = frozenset({"default", "more", "less", "prefer_more", "prefer_less"})


def check_upload(path: Path, free: bool) -> None:
    """Refuse a document past the plan's limit for its format (nothing is sent)."""
    extension = path.suffix.lower().lstrip(".")
    free_limit, pro_limit = UPLOAD_LIMITS[extension]
    limit = free_limit if free else pro_limit
    size = path.stat().st_size
    if size > limit:
        plan = "Free" if free else "Pro"
        raise LimitExceededError(
            f"{size} bytes is more than DeepL API {plan} takes for .{extension} ({limit} bytes)",
            path=path,
            provider="deepl",
        )


def check_formality(formality: str | None, target_own: str, formal_targets: frozenset[str]) -> None:
    """Refuse a formality DeepL would refuse for this target (nothing is sent)."""
    if formality is None:
        return
    if formality not in FORMALITIES:
        raise InputError(
            f"deepl: unknown formality {formality!r} (known: {', '.join(sorted(FORMALITIES))})"
        )
    if formality in ("more", "less") and target_own not in formal_targets:
        raise InputError(
            f"deepl: {target_own} has no formality setting; use prefer_{formality} "
            "to ask for it where available"
        )


_XML_TEXT = re.compile(rb"<(?:w:t|a:t|t)(?:\s[^>]*)?>([^<]*)</(?:w:t|a:t|t)>")


def count_characters(path: Path) -> int:
    """The characters of text in a document, counted locally (an estimate)."""
    extension = path.suffix.lower().lstrip(".")
    if extension in ("docx", "pptx", "xlsx"):
        total = 0
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".xml") and not name.startswith(("docProps/", "[Content")):
                        for match in _XML_TEXT.finditer(archive.read(name)):
                            total += len(match.group(1).decode("utf-8", "replace"))
        except zipfile.BadZipFile:
            raise InputError(f"not a valid .{extension} file", path=path) from None
        return total
    if extension == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return sum(len(page.extract_text() or "") for page in PdfReader(path).pages)
        except (PdfReadError, OSError, ValueError) as exc:
            raise InputError(f"not a readable PDF ({exc})", path=path) from None
    if extension == "doc":
        return 0  # a binary format: only the minimum can be estimated
    with path.open(encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    if extension in ("htm", "html", "xlf", "xliff"):
        text = re.sub(r"<[^>]*>", "", text)
    return len(text.strip())


def billed_estimate(path: Path) -> int:
    """The characters DeepL would bill for translating ``path``: its text, and at
    least :data:`MINIMUM_BILLED` for the types that carry a minimum."""
    counted = count_characters(path)
    if path.suffix.lower().lstrip(".") in MINIMUM_BILLED_TYPES:
        return max(counted, MINIMUM_BILLED)
    return counted
