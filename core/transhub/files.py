"""Local file handling shared by every provider: chunked hashes, atomic writes, and
output names that cannot escape their folder."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from transhub.errors import InputError

#: Read and write in pieces of this size, so memory never grows with the file.
CHUNK_SIZE = 1024 * 1024

# Names Windows reserves whatever the extension; refused everywhere so that an output
# folder can be copied to any machine.
_RESERVED = (
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
# Control characters, separators, characters Windows forbids, and lone surrogates
# (how Python carries bytes that are not UTF-8, e.g. from an old archive's file names).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\ud800-\udfff]')


@functools.cache
def _umask() -> int:
    """The process umask (read once: reading it means setting it, briefly)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """The hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_writer(destination: Path, *, overwrite: bool = False) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``destination``; move it into place only when the
    ``with`` block ends without error.  Without ``overwrite`` an existing file is
    never replaced (the check and the move are one step: ``os.link``)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite and destination.exists():
        raise InputError("already exists (use --overwrite to replace it)", path=destination)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, on every path
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part", delete=False
    )
    temporary = Path(handle.name)
    # mkstemp makes the file 0600; a result should get the user's usual permissions.
    temporary.chmod(0o666 & ~_umask())
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            temporary.replace(destination)
        else:
            try:
                os.link(temporary, destination)
            except FileExistsError:
                raise InputError(
                    "already exists (use --overwrite to replace it)", path=destination
                ) from None
            temporary.unlink()
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_stale_parts(destination: Path) -> int:
    """Delete temporary files :func:`atomic_writer` left beside ``destination`` when a
    process was killed mid-write; return how many were removed."""
    removed = 0
    if destination.parent.is_dir():
        for stale in destination.parent.glob(f".{glob_escape(destination.name)}.*.part"):
            stale.unlink(missing_ok=True)
            removed += 1
    return removed


def glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped."""
    import glob

    return glob.escape(name)


def atomic_write_bytes(destination: Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write a small piece of data atomically (see :func:`atomic_writer`)."""
    with atomic_writer(destination, overwrite=overwrite) as handle:
        handle.write(data)
    return destination


def safe_filename(name: str, *, fallback: str = "result") -> str:
    """A file name built from untrusted text (a URL, a header) that stays inside the
    folder it is joined to: no separators, no ``..``, no control characters or NUL,
    no reserved device names, at most 200 bytes."""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().strip(".")
    stem = name.split(".", 1)[0].lower()
    if not name or stem in _RESERVED:
        name = f"{fallback}_{name}" if name else fallback
    while len(name.encode()) > 200:
        name = name[:-1]
    return name


def unique_path(path: Path) -> Path:
    """``path``, or ``stem-2.ext``, ``stem-3.ext``… the first that does not exist."""
    if not path.exists():
        return path
    for number in range(2, 100_000):
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise InputError("too many files with this name", path=path)


def inside(folder: Path, path: Path) -> bool:
    """Whether ``path`` resolves to somewhere inside ``folder``."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
