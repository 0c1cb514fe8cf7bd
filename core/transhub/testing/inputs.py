"""Input files and language choices made from a provider's declarations.

The contract kit derives what it sends from what a capability declares: a sample
the provider accepts, and inputs just past each declared limit that it must refuse.
Large inputs are sparse files or bare image headers, so a 50 MB limit or a
10 000-pixel limit costs neither time nor memory.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from transhub.capabilities.base import FileLimits, LanguageSupport
from transhub.testing import make_image, make_pdf

#: The extensions the kit can write a real sample of, in order of preference.
WRITERS: dict[str, Callable[[Path], Path]] = {}


def _text(path: Path) -> Path:
    path.write_text("The contract kit's sample.\nA second line.\n", encoding="utf-8")
    return path


def _pdf(path: Path) -> Path:
    return make_pdf(path, pages=1)


def _picture(path: Path) -> Path:
    return make_image(path, 64, 48)


WRITERS.update({"txt": _text, "pdf": _pdf, "png": _picture, "jpg": _picture, "jpeg": _picture})
WRITERS.update({"bmp": _picture})


class NoSample(Exception):
    """The kit cannot write a sample for these limits (the contract must give one)."""


def sample_file(folder: Path, limits: FileLimits, stem: str = "sample") -> Path:
    """A small real file the limits accept."""
    folder.mkdir(parents=True, exist_ok=True)
    for extension, write in WRITERS.items():
        if extension in limits.extensions:
            if limits.is_image:
                return image_within(folder / f"{stem}.{extension}", limits)
            return write(folder / f"{stem}.{extension}")
    raise NoSample(
        f"the kit cannot write a .{' or .'.join(sorted(limits.extensions))} sample; "
        "give one in Contract(samples=Samples(files={...}))"
    )


def image_within(path: Path, limits: FileLimits) -> Path:
    """A real image whose size fits the pixel limits (64×48 when they allow)."""
    low = limits.min_pixels or 1
    high = limits.max_pixels or 4096
    width = min(max(64, low), high)
    height = min(max(48, low), high)
    if limits.max_aspect_ratio is not None and width / height >= limits.max_aspect_ratio:
        height = width
    return make_image(path, width, height)


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk (its content is zeros)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def png_header(path: Path, width: int, height: int) -> Path:
    """A PNG whose header declares ``width``×``height`` pixels, with no pixel data.

    Enough for any check that reads the header only (as :mod:`transhub.validation`
    does), at any declared size.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )
    return path


def encrypted_pdf(path: Path) -> Path:
    """A real, password-protected PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("transhub-contract")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def refused_files(folder: Path, limits: FileLimits) -> dict[str, Path]:
    """Files the limits refuse, by what is wrong with them."""
    folder.mkdir(parents=True, exist_ok=True)
    accepted = sorted(limits.extensions)
    extension = next((e for e in WRITERS if e in limits.extensions), accepted[0])
    files = {
        "a file type it does not accept": _text(folder / "refused.transhub-unknown"),
        "an empty file": sparse_file(folder / f"empty.{extension}", 0),
        f"a file one byte over {limits.max_bytes} bytes": sparse_file(
            folder / f"oversized.{extension}", limits.max_bytes + 1
        ),
    }
    if limits.min_bytes > 1:
        files[f"a file under {limits.min_bytes} bytes"] = sparse_file(
            folder / f"undersized.{extension}", limits.min_bytes - 1
        )
    if "pdf" in limits.extensions:
        files["a .pdf whose content is text"] = _text(folder / "disguised.pdf")
        if not limits.allow_encrypted:
            files["a password-protected PDF"] = encrypted_pdf(folder / "locked.pdf")
    image = next((e for e in ("png",) if e in limits.extensions), None)
    if image is not None and limits.max_pixels is not None:
        side = max(limits.min_pixels or 1, 64)
        files[f"an image over {limits.max_pixels} px"] = png_header(
            folder / f"huge.{image}", limits.max_pixels + 1, limits.max_pixels + 1
        )
        if limits.min_pixels is not None and limits.min_pixels > 1:
            files[f"an image under {limits.min_pixels} px"] = png_header(
                folder / f"tiny.{image}", limits.min_pixels - 1, limits.min_pixels - 1
            )
        if limits.max_aspect_ratio is not None:
            long_side = int(side * limits.max_aspect_ratio) + 1
            if long_side <= limits.max_pixels:
                files[f"an image of aspect ratio {limits.max_aspect_ratio:g}:1 or more"] = (
                    png_header(folder / f"strip.{image}", long_side, side)
                )
    return files


def direction(
    support: LanguageSupport, source: str | None = None, target: str | None = None
) -> tuple[str | None, str]:
    """A (source, target) direction the provider offers, preferring English to
    Chinese.  With declared ``pairs`` the source is always given (the plainest
    request); otherwise it is ``None`` (detect) when the provider can detect it."""
    if support.pairs is not None:
        pairs = sorted(support.pairs)
        fitting = [p for p in pairs if source in (None, p[0]) and target in (None, p[1])]
        return ("en", "zh") if ("en", "zh") in fitting else (fitting or pairs)[0]
    targets = sorted(support.target_codes())
    if target is None:
        target = next((c for c in ("zh", "en", "fr") if c in targets), targets[0])
    if source is None and not support.auto_detect:
        sources = sorted(support.source_codes() - {target})
        source = next((c for c in ("en", "zh") if c in sources), sources[0] if sources else None)
    return source, target


def unsupported_target(support: LanguageSupport) -> str | None:
    """A canonical language code the provider cannot translate into (if any)."""
    from transhub.languages import NAMES

    offered = support.target_codes()
    return next((code for code in sorted(NAMES) if code not in offered), None)
