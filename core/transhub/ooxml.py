"""Whether a zip named .docx, .xlsx, .pptx (and .odt, .ofd) is that kind of package.

The zip signature alone lets any zip through (a zip of junk was sent and paid for).
A package is judged by its central directory only: the member names are streamed
through a small buffer, one entry at a time, and nothing is decompressed but, when
the main part is not where it usually is, the package's ``_rels/.rels`` (a few hundred
bytes, read up to a small cap) for the part it names.  Memory stays flat whatever
the file's size or number of members.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

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

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_ENTRY = struct.Struct("<4s6H3L5H2L")  # central directory file header
_LOCAL = struct.Struct("<4s5H3L2H")  # local file header
_MAX_TAIL = _EOCD.size + 0xFFFF  # the record and the longest zip comment
_SHORT_TAIL = 1024
#: ``_rels/.rels`` is read (compressed and inflated) up to this many bytes only.
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
    with path.open("rb") as handle:
        try:
            wanted = {main, CONTENT_TYPES, RELS} if office else {main}
            found = _find(handle, wanted)
            if office and main not in found and RELS in found:
                target = _office_document(handle, found[RELS])
                if target is not None and target != main:
                    main = target
                    found.update(_find(handle, {target}))
        except _NotAZip as exc:
            raise InputError(f"is not {kind} (not a readable zip: {exc})", path=path) from None
    for part in (main, CONTENT_TYPES) if office else (main,):
        if part not in found:
            raise InputError(f"is not {kind} (the zip holds no {part})", path=path)


class _NotAZip(Exception):
    """The central directory cannot be found or read."""


def _find(handle: BinaryIO, names: set[str]) -> dict[str, int]:
    """Each of ``names`` the central directory lists, with its local header's offset
    (a scan that ends as soon as every name is found)."""
    found: dict[str, int] = {}
    for name, offset in _entries(handle):
        if name in names:
            found[name] = offset
            if len(found) == len(names):
                break
    return found


def _entries(handle: BinaryIO) -> Iterator[tuple[str, int]]:
    """The central directory's member names and local header offsets, in order."""
    count, offset = _directory(handle)
    handle.seek(offset)
    for _ in range(count):
        header = handle.read(_ENTRY.size)
        if len(header) < _ENTRY.size or header[:4] != b"PK\x01\x02":
            raise _NotAZip("its central directory is damaged")
        fields = _ENTRY.unpack(header)
        flags, name_length, extra_length, comment_length = (
            fields[3],
            fields[10],
            fields[11],
            fields[12],
        )
        raw = handle.read(name_length)
        handle.seek(extra_length + comment_length, 1)
        # Bit 11: the name is UTF-8; else CP437 (as zipfile reads it).
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        yield name.replace("\\", "/"), fields[-1]


def _directory(handle: BinaryIO) -> tuple[int, int]:
    """The number of central directory entries and where the directory starts."""
    size = handle.seek(0, 2)
    # Most zips have no comment: the record is in the last 22 bytes, and a small
    # tail (room for the ZIP64 locator too) is read first; the longest tail only when not.
    for reach in (_SHORT_TAIL, _MAX_TAIL):
        handle.seek(max(0, size - reach))
        tail = handle.read(reach)
        at = tail.rfind(b"PK\x05\x06")
        if at >= 0 and len(tail) - at >= _EOCD.size and at >= _EOCD64_LOCATOR.size:
            break
        if reach >= size:
            break
    if at < 0 or len(tail) - at < _EOCD.size:
        raise _NotAZip("no central directory")
    record = _EOCD.unpack_from(tail, at)
    count, offset = record[4], record[6]
    if count == 0xFFFF or offset == 0xFFFFFFFF:  # ZIP64: the locator precedes it
        locator_at = at - _EOCD64_LOCATOR.size
        if locator_at < 0:  # the record is at the file's very start
            raise _NotAZip("its ZIP64 directory is missing")
        locator = _EOCD64_LOCATOR.unpack_from(tail, locator_at)
        if locator[0] != b"PK\x06\x07":
            raise _NotAZip("its ZIP64 directory is missing")
        handle.seek(locator[2])
        record64 = handle.read(_EOCD64.size)
        if len(record64) < _EOCD64.size or record64[:4] != b"PK\x06\x06":
            raise _NotAZip("its ZIP64 directory is damaged")
        fields = _EOCD64.unpack(record64)
        count, offset = fields[6], fields[8]
    if offset >= size:
        raise _NotAZip("its central directory is out of the file")
    return count, offset


def _office_document(handle: BinaryIO, offset: int) -> str | None:
    """The main part ``_rels/.rels`` names (its officeDocument relationship), or
    ``None`` when it cannot be read cheaply."""
    if offset == 0xFFFFFFFF:  # a ZIP64 offset, in the extra field: not worth it
        return None
    handle.seek(offset)
    header = handle.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        return None
    fields = _LOCAL.unpack(header)
    method, compressed, name_length, extra_length = fields[3], fields[7], fields[9], fields[10]
    handle.seek(name_length + extra_length, 1)
    data = handle.read(min(compressed, _MAX_RELS) if compressed else _MAX_RELS)
    if method == 8:
        try:
            data = zlib.decompressobj(-15).decompress(data, _MAX_RELS)
        except zlib.error:
            return None
    elif method != 0:
        return None
    relationship = _OFFICE_DOCUMENT.search(data)
    target = _TARGET.search(relationship.group(0)) if relationship else None
    if target is None:
        return None
    return target.group(1).decode("utf-8", "replace").lstrip("/")
