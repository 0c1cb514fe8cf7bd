"""Input checks against a provider's declared limits, run before any request.

Every function raises an :class:`~transhub.errors.InputError` (or a subclass) whose
one-line message names the input, the problem, the limit and the provider.  Nothing
here touches the network.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat as stat_module
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from transhub import ooxml
from transhub.capabilities.base import FileLimits, LanguageSupport
from transhub.errors import InputError, LimitExceededError, UnsupportedLanguageError
from transhub.languages import name as language_name

# Signatures of the file kinds providers accept, by extension.  Office formats come
# in two containers: OLE2 (legacy .doc/.xls/.ppt and WPS) and ZIP (OOXML, ODF, OFD).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("a PDF document", (b"%PDF",)),
    "png": ("a PNG image", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("a JPEG image", (b"\xff\xd8\xff",)),
    "jpeg": ("a JPEG image", (b"\xff\xd8\xff",)),
    "bmp": ("a BMP image", (b"BM",)),
    "gif": ("a GIF image", (b"GIF87a", b"GIF89a")),
    "rtf": ("an RTF document", (b"{\\rtf",)),
    "hwp": ("an HWP document", (_OLE, b"HWP Document File")),
    "ofd": ("an OFD document", (_ZIP,)),
}
_OOXML = ("docx", "dotx", "dotm", "docm", "xlsx", "pptx", "odt")
_LEGACY_OFFICE = ("doc", "dot", "xls", "ppt", "wps", "wpt", "et", "ett", "dps", "dpt")
_SIGNATURES.update(dict.fromkeys(_OOXML, ("an Office Open XML / ODF document", (_ZIP,))))
_SIGNATURES.update(dict.fromkeys(_LEGACY_OFFICE, ("an Office document", (_OLE, _ZIP))))
_TEXT = frozenset({"txt", "xml", "csv", "md", "html", "htm"})

_MB = 1024 * 1024


def human_size(size: int) -> str:
    """``52428800`` → ``"50 MB"``."""
    if size >= _MB:
        value = size / _MB
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


@dataclass(frozen=True)
class FileFacts:
    """What was learnt about a valid input file."""

    path: Path
    size: int
    extension: str
    width: int | None = None
    height: int | None = None


def _read_head(path: Path) -> tuple[int, bytes]:
    """The size of ``path`` and its first 8 KB, from one open (a batch validates
    hundreds of files: a stat, a folder check, an access check and a second open
    each was a third of the system calls per input, issue 17); an error if it is
    missing, a folder, unreadable or empty."""
    try:
        # Non-blocking: a named pipe is refused (empty), not waited on.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:  # Windows
        raise InputError("is a folder; a file is required here", path=path) from None
    except PermissionError:
        if path.is_dir():
            raise InputError("is a folder; a file is required here", path=path) from None
        raise InputError("cannot be read (permission denied)", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path=path) from None
    try:
        stat = os.fstat(fd)
        if stat_module.S_ISDIR(stat.st_mode):
            raise InputError("is a folder; a file is required here", path=path)
        if stat.st_size == 0:
            raise InputError("is empty", path=path)
        try:
            head = os.read(fd, 8192)
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror})", path=path) from None
    finally:
        os.close(fd)
    return stat.st_size, head


def check_readable_file(path: Path) -> int:
    """The size of ``path``, or an error if it is missing, a folder, unreadable or empty."""
    return _read_head(path)[0]


def check_file(path: Path, limits: FileLimits, provider: str) -> FileFacts:
    """Check a local file against ``limits`` (see the module docstring)."""
    size, head = _read_head(path)
    extension = path.suffix.lower().lstrip(".")
    if extension not in limits.extensions:
        accepted = ", ".join(sorted(limits.extensions))
        shown = f".{extension}" if extension else "(no extension)"
        raise InputError(
            f"file type {shown} is not accepted by {provider} (accepted: {accepted})", path=path
        )
    if size > limits.max_bytes:
        raise LimitExceededError(
            f"is {human_size(size)}, over {provider}'s limit of {human_size(limits.max_bytes)}",
            path=path,
        )
    if size < limits.min_bytes:
        raise LimitExceededError(
            f"is {human_size(size)}, under {provider}'s minimum of {human_size(limits.min_bytes)}",
            path=path,
        )
    _check_content(path, extension, head)
    width = height = None
    if limits.is_image:
        width, height = _check_pixels(path, limits, provider)
    if extension == "pdf" and not limits.allow_encrypted:
        _check_not_encrypted(path, provider)
    return FileFacts(path=path, size=size, extension=extension, width=width, height=height)


def _check_content(path: Path, extension: str, head: bytes) -> None:
    if extension in _TEXT:
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(
                f"is named .{extension} but its content is binary, not text", path=path
            )
        return
    if extension == "webp":
        if not (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
            raise InputError(_mismatch(extension, "a WebP image", head), path=path)
        return
    expected = _SIGNATURES.get(extension)
    if expected is not None and not head.startswith(expected[1]):
        raise InputError(_mismatch(extension, expected[0], head), path=path)
    if ooxml.is_package(extension):
        # Any zip has the signature: the package's parts say what it is.
        ooxml.check_package(path, extension)


def check_content(path: Path) -> None:
    """``path`` is what its extension says (signature, and a package's parts), for
    a local count that needs no provider's limits; an :class:`InputError` if not."""
    _, head = _read_head(path)
    _check_content(path, path.suffix.lower().lstrip("."), head)


def _mismatch(extension: str, kind: str, head: bytes) -> str:
    return f"is named .{extension} but its content is not {kind} ({_looks_like(head)})"


#: What a file's first bytes say it is, for the refusal of a misnamed file.
_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "an RTF document"),
    (_OLE, "a legacy Office (OLE2) file"),
    (_ZIP, "a zip archive"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)


def _looks_like(head: bytes) -> str:
    """``"it is a PNG image"``, ``"it looks like text"`` or ``"it looks like
    something else"``: what the content is, by its signature."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "it is a WebP image"
    for signature, kind in _KINDS:
        if head.startswith(signature):
            return f"it is {kind}"
    if head.startswith(b"BM") and len(head) >= 14 and b"\x00" in head[:14]:
        return "it is a BMP image"
    texty = head and b"\x00" not in head[:512] and _is_texty(head[:512])
    return "it looks like text" if texty else "it looks like something else"


def _is_texty(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: ``warnings.catch_warnings`` swaps the process's filters: one image header at a time.
_QUIET_PIL = threading.Lock()


def _check_pixels(path: Path, limits: FileLimits, provider: str) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    low, high = limits.min_pixels, limits.max_pixels
    accepted = f"{provider} accepts {low or 1}×{low or 1} to {high}×{high} px"
    try:
        # Image.open reads the header only; nothing here may call .load().  Nothing is
        # decoded, so PIL's guard against decompression bombs has nothing to guard:
        # the provider's limits below judge the size, in transhub's words (its warning
        # would be a Python warning, its error "not a readable image").
        with _QUIET_PIL, warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        # Over twice PIL's MAX_IMAGE_PIXELS it refuses even to say the size.
        size = f"is over {2 * (Image.MAX_IMAGE_PIXELS or 0):,} pixels"
        reason = accepted if high is not None else "more than transhub opens"
        raise LimitExceededError(f"{size}; {reason}", path=path) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(f"is not a readable image ({exc})", path=path) from None
    if (low is not None and min(width, height) < low) or (
        high is not None and max(width, height) > high
    ):
        raise LimitExceededError(
            f"is {width}×{height} px; {accepted}",
            path=path,
        )
    if limits.max_aspect_ratio is not None:
        ratio = max(width, height) / min(width, height)
        if ratio >= limits.max_aspect_ratio:
            raise LimitExceededError(
                f"has an aspect ratio of {ratio:.1f}:1; {provider} needs it below "
                f"{limits.max_aspect_ratio:g}:1",
                path=path,
            )
    return width, height


class _QuietPypdf:
    """While any thread is inside, pypdf's logger shows errors only.

    pypdf logs what it repaired ("EOF marker not found") as warnings of its
    ``pypdf.*`` loggers, which Python prints on stderr before transhub's own error
    line; the refusal (or the count) already says what matters.  The level is the
    logger's, shared by every thread, so the threads inside are counted: the first
    in lowers it, the last out restores it (one thread leaving never unmutes
    another that is still reading)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._saved = logging.NOTSET

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        logger = logging.getLogger("pypdf")
        with self._lock:
            if self._inside == 0:
                self._saved = logger.level
                logger.setLevel(logging.ERROR)
            self._inside += 1
        try:
            yield
        finally:
            with self._lock:
                self._inside -= 1
                if self._inside == 0:
                    logger.setLevel(self._saved)


#: ``with quiet_pypdf(): ...``: pypdf's warnings unshown (see :class:`_QuietPypdf`).
quiet_pypdf = _QuietPypdf()


def _check_not_encrypted(path: Path, provider: str) -> None:
    from pypdf.errors import PdfReadError

    from transhub.pages import read_pdf

    try:
        # The trailer's /Encrypt: read_pdf reads the trailer and cross-references only.
        with quiet_pypdf():
            encrypted = read_pdf(path, lambda reader: reader.is_encrypted)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"is not a readable PDF ({exc})", path=path) from None
    if encrypted:
        raise InputError(
            f"is password-protected; {provider} does not accept encrypted files "
            "(remove the password first)",
            path=path,
        )


def check_url(url: str) -> str:
    """An image URL must be http(s) with a valid host, and a valid URI once
    percent-encoded (see :func:`transhub.urls.encode_url`).  Returned as given: the
    provider's client sends the encoded form."""
    from transhub.urls import encode_url

    encode_url(url)
    return url


def check_text(text: str, max_chars: int, provider: str) -> None:
    """A text must be UTF-8, non-empty and at most ``max_chars`` characters (spaces
    count)."""
    check_utf8(text)
    if not text.strip():
        raise InputError("the text is empty")
    if len(text) > max_chars:
        raise LimitExceededError(
            f"the text is {len(text)} characters, over {provider}'s limit of {max_chars} "
            "(spaces count)"
        )


def check_utf8(text: str) -> None:
    """Refuse a text holding lone surrogates: what Python makes of bytes that are
    not UTF-8 on standard input or in a file name (``surrogateescape``).  Every
    provider sends UTF-8, so such a text would fail at the request (an internal
    error, after routing) instead of here."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = ord(text[exc.start])
        what = (
            f"byte 0x{char - 0xDC00:02x}"
            if 0xDC80 <= char <= 0xDCFF
            else f"U+{char:04X} (a lone surrogate)"
        )
        raise InputError(
            f"the text is not valid UTF-8: {what} at character {exc.start + 1} "
            "(standard input and text files are read as UTF-8; convert it first, "
            "e.g. with iconv -t UTF-8)"
        ) from None


def check_word(word: str, min_length: int, max_length: int, provider: str) -> None:
    """A dictionary word must be within the provider's length bounds."""
    length = len(word.strip())
    if length < min_length or length > max_length:
        raise LimitExceededError(
            f"{word!r} is {length} characters; {provider}'s dictionary takes "
            f"{min_length} to {max_length}"
        )


def check_languages(
    support: LanguageSupport, source: str | None, target: str | None, provider: str
) -> None:
    """The direction must be one the provider declares.  Each error names the
    provider (``provider``: the JSON error's ``provider`` too)."""
    if source is None and target is not None and not support.auto_detect:
        raise UnsupportedLanguageError(
            f"{provider} cannot detect the source language here: give --from",
            provider=provider,
        )
    if target is not None and target not in support.target_codes():
        raise UnsupportedLanguageError(
            f"{provider} cannot translate into {language_name(target)} ({target})",
            provider=provider,
        )
    if source is not None and source not in support.source_codes():
        raise UnsupportedLanguageError(
            f"{provider} cannot translate from {language_name(source)} ({source})",
            provider=provider,
        )
    if source is None and not support.supports(source, target):
        # Detection offered for some targets only (alibaba: none into Chinese).
        into = f" into {language_name(target)} ({target})" if target is not None else ""
        raise UnsupportedLanguageError(
            f"{provider} needs the source language for a translation{into}: give --from",
            provider=provider,
        )
    if not support.supports(source, target):
        raise UnsupportedLanguageError(
            f"{provider} does not translate {source} → {target} "
            "(see `transhub languages --provider " + provider + "`)",
            provider=provider,
        )
