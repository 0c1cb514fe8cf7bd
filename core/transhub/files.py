"""Local file handling shared by every provider: chunked hashes, atomic writes, and
output names that cannot escape their folder."""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import os
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Digests:
    """A file's MD5 (what some providers sign) and SHA-256 (what the journal keeps),
    and the size they were computed over."""

    md5: str
    sha256: str
    size: int = 0


# Digests already computed in this process, by file identity: a file is read once per
# run however many callers (validation, the journal, a provider's signature) need its
# hash.  Identity includes the change time, so a rewrite that restores the size and
# the modification time is still seen.
_DIGESTS: collections.OrderedDict[tuple[int, ...], Digests] = collections.OrderedDict()
_DIGESTS_LOCK = threading.Lock()
_DIGESTS_KEPT = 4096


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _known(stat: os.stat_result) -> Digests | None:
    """The digests remembered for the file ``stat`` describes, if any."""
    identity = _identity(stat)
    with _DIGESTS_LOCK:
        known = _DIGESTS.get(identity)
        if known is not None:
            _DIGESTS.move_to_end(identity)
        return known


def digests(path: Path) -> Digests:
    """MD5 and SHA-256 of a file in one chunked pass, remembered for the run: a second
    call for an unchanged file (same device, inode, size, modification and change
    times) reads nothing and opens nothing: one ``stat`` (planning, the journal and
    the provider's signature all ask, issue 17)."""
    try:
        known = _known(path.stat())
    except OSError:
        known = None  # opened below: the error as open() words it
    if known is not None:
        return known
    with path.open("rb", buffering=0) as handle:
        stat = os.fstat(handle.fileno())
        identity = _identity(stat)
        known = _known(stat)
        if known is not None:
            return known
        md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
        # One buffer, filled again and again; no larger than the file (a batch of
        # small documents should not allocate a megabyte for each).
        buffer = bytearray(max(1, min(CHUNK_SIZE, stat.st_size + 1)))
        view = memoryview(buffer)
        while count := handle.readinto(buffer):
            chunk = view[:count]
            md5.update(chunk)
            sha256.update(chunk)
        result = Digests(md5=md5.hexdigest(), sha256=sha256.hexdigest(), size=stat.st_size)
        # Remembered only if the file did not change while it was read.
        if _identity(os.fstat(handle.fileno())) == identity:
            with _DIGESTS_LOCK:
                _DIGESTS[identity] = result
                while len(_DIGESTS) > _DIGESTS_KEPT:
                    _DIGESTS.popitem(last=False)
        return result


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """The hex digest of a file: SHA-256 or MD5 from :func:`digests` (one pass,
    remembered), any other algorithm read in chunks."""
    if algorithm in ("sha256", "md5"):
        return str(getattr(digests(path), algorithm))
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
    if overwrite and destination.is_dir():  # replace() would fail: IsADirectoryError
        raise InputError("is a folder, not a file for the result", path=destination)
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


#: Seconds a folder's listing of leftover parts is trusted (see :func:`remove_stale_parts`).
STALE_LISTING_SECONDS = 30.0
_stale_parts: dict[str, tuple[float, set[str]]] = {}
_stale_lock = threading.Lock()


def remove_stale_parts(destination: Path) -> int:
    """Delete temporary files :func:`atomic_writer` left beside ``destination`` when a
    process was killed mid-write; return how many were removed.

    A batch lands hundreds of results in one folder and this runs once for each, so
    listing the folder every time made a batch quadratic (issue 17): the leftover
    parts of a folder are listed once and that list is trusted for
    :data:`STALE_LISTING_SECONDS` (a part of a process killed after the listing is
    removed by the next look after that).  A leftover is hidden clutter, never taken
    for a result: the landing file itself is always removed by its caller."""
    folder = str(destination.parent)
    prefix, removed = f".{destination.name}.", 0
    with _stale_lock:
        listed = _stale_parts.get(folder)
        if listed is None or time.monotonic() - listed[0] > STALE_LISTING_SECONDS:
            try:
                with os.scandir(folder) as entries:
                    names = {
                        e.name for e in entries if e.name[:1] == "." and e.name.endswith(".part")
                    }
            except (FileNotFoundError, NotADirectoryError):
                return 0
            listed = _stale_parts[folder] = (time.monotonic(), names)
        mine = [n for n in listed[1] if n.startswith(prefix) and len(n) > len(prefix) + 5]
        listed[1].difference_update(mine)
    for name in mine:
        (destination.parent / name).unlink(missing_ok=True)
        removed += 1
    return removed


def _reason(exc: OSError) -> str:
    """An OS error's reason in the CLI's words: ``permission denied``."""
    return (exc.strerror or type(exc).__name__).lower()


def check_output_folder(folder: Path, *, result: Path | None = None) -> None:
    """Refuse, before anything is sent, a folder results cannot be saved in: one that
    is a file, or cannot be created or written (``/sys/kernel``, ``/proc/x``, a
    read-only mount).  Found after paying, the result would be lost (only the
    journal would know it).  The test is the real thing: a folder made and removed
    in the folder, or in its nearest existing parent when it is still to be created
    (so nothing is left behind when the batch is refused later); root's
    ``os.access`` says yes to a read-only file system.  ``result``: the one file
    meant (``-o FILE``), named by the error instead of its folder."""
    named = result or folder
    existing = folder
    while True:
        try:
            existing.stat()
            break
        except (FileNotFoundError, NotADirectoryError):
            if existing.parent == existing:
                break
            existing = existing.parent
        except OSError as exc:
            raise InputError(f"cannot be written ({_reason(exc)})", path=named) from None
    if not existing.is_dir():
        if result is None and existing == folder:
            raise InputError("is a file, not a folder for results", path=folder)
        raise InputError(f"cannot be created: {existing} is a file, not a folder", path=named)
    try:
        Path(tempfile.mkdtemp(prefix=".transhub-check-", dir=existing)).rmdir()
    except OSError as exc:
        cannot = "cannot" if result else "the output folder cannot"
        problem = (
            f"{cannot} be written" if existing == folder else f"{cannot} be created in {existing}"
        )
        raise InputError(f"{problem} ({_reason(exc)})", path=named) from None


def check_output_file(path: Path, *, overwrite: bool = False) -> None:
    """Refuse, before anything is sent, an output file that cannot take the result:
    a folder, an existing file (unless ``overwrite``), or one in a folder that
    cannot be created or written."""
    if path.is_dir():
        raise InputError("is a folder, not a file for the result", path=path)
    if not overwrite and (path.exists() or path.is_symlink()):
        raise InputError("already exists (use --overwrite to replace it)", path=path)
    check_output_folder(path.parent, result=path)


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
