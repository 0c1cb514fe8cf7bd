"""Streams, not whole files (issue 17): input checks, page counts and hashes read only
what they need, and a file is hashed once per run.

Bytes read are measured, not timed: ``rchar`` in ``/proc/self/io`` counts every byte
this process reads through a system call, whoever opens the file (pypdf, zipfile,
Pillow, hashlib's caller).  Each measurement runs the same code once on a small file
first, so that imports (which read their own files) are not counted.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from transhub.capabilities.base import FileLimits
from transhub.errors import InputError
from transhub.files import digests, file_digest
from transhub.pages import count_locally
from transhub.validation import check_file

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
IO = Path("/proc/self/io")

pytestmark = pytest.mark.skipif(not IO.exists(), reason="needs Linux's /proc/self/io")


def _load_inputs() -> ModuleType:
    """The benchmarks' generator of realistic PDFs and DOCX files."""
    spec = importlib.util.spec_from_file_location("bench_inputs", ROOT / "benchmarks" / "inputs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


inputs = _load_inputs()


def bytes_read(action: Callable[[], object]) -> int:
    """How many bytes this process read while ``action`` ran."""

    def rchar() -> int:
        for line in IO.read_text().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
        raise AssertionError("no rchar in /proc/self/io")

    before = rchar()
    action()
    after = rchar()
    return after - before - _RCHAR_OF_READING_RCHAR


# Reading /proc/self/io is itself a read (of some 100 bytes, a few more as its
# numbers grow): measured once here, and "nothing" below means under NOTHING bytes.
_RCHAR_OF_READING_RCHAR = 0
_RCHAR_OF_READING_RCHAR = bytes_read(lambda: None)
NOTHING = 512


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp("documents")
    yield {
        "small.pdf": inputs.pdf(folder / "small.pdf", 1 * MB),
        "large.pdf": inputs.pdf(folder / "large.pdf", 24 * MB),
        "small.docx": inputs.docx(folder / "small.docx", 1 * MB),
        "large.docx": inputs.docx(folder / "large.docx", 24 * MB),
    }


PDF = FileLimits(extensions=frozenset({"pdf"}), max_bytes=100 * MB)
DOCX = FileLimits(extensions=frozenset({"docx"}), max_bytes=100 * MB)
JPEG = FileLimits(extensions=frozenset({"jpg"}), max_bytes=100 * MB, min_pixels=1, max_pixels=10**5)


def test_checking_and_counting_a_large_pdf_reads_its_trailer_and_xref_not_its_pages(
    documents: dict[str, Path],
) -> None:
    def check_and_count(path: Path) -> Callable[[], object]:
        return lambda: (check_file(path, PDF, "test"), count_locally(path))

    bytes_read(check_and_count(documents["small.pdf"]))  # imports
    large = documents["large.pdf"]
    read = bytes_read(check_and_count(large))
    pages = count_locally(large).pages
    assert pages > 100
    # Twice (the check, the count): the header, the end of the file where pypdf looks
    # for startxref, the xref (20 bytes an object: 3 objects a page), the catalogue
    # and the page tree's root.
    allowed = 2 * (64 * 1024 + 20 * 3 * pages)
    assert read < allowed, f"read {read} bytes of a {large.stat().st_size}-byte PDF"


def _with_encryption(source: Path, destination: Path) -> Path:
    """``source`` with an incremental update that encrypts it (standard security
    handler, revision 2: what a password-protected export writes)."""
    data = source.read_bytes()
    old_xref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    size = int(data.rsplit(b"/Size ", 1)[1].split()[0])
    encrypt = size
    offset = len(data)
    body = b"%d 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -44 /O <%s> /U <%s> >>\nendobj\n" % (
        encrypt,
        b"ab" * 32,
        b"cd" * 32,
    )
    xref = offset + len(body)
    update = body + b"xref\n%d 1\n%010d 00000 n \n" % (encrypt, offset)
    update += (
        b"trailer\n<< /Size %d /Root 1 0 R /Prev %d /Encrypt %d 0 R /ID [<%s> <%s>] >>\n"
        b"startxref\n%d\n%%%%EOF\n" % (size + 1, old_xref, encrypt, b"01" * 16, b"01" * 16, xref)
    )
    destination.write_bytes(data + update)
    return destination


def test_a_large_encrypted_pdf_is_refused_after_reading_only_its_trailer(
    documents: dict[str, Path], tmp_path: Path
) -> None:
    small = _with_encryption(documents["small.pdf"], tmp_path / "small-locked.pdf")
    large = _with_encryption(documents["large.pdf"], tmp_path / "large-locked.pdf")
    refusals: list[str] = []

    def check(path: Path) -> Callable[[], object]:
        def action() -> None:
            with pytest.raises(InputError) as caught:
                check_file(path, PDF, "test")
            refusals.append(str(caught.value))

        return action

    bytes_read(check(small))
    read = bytes_read(check(large))
    assert "password-protected" in refusals[-1], refusals[-1]
    pages = count_locally(documents["large.pdf"]).pages
    allowed = 64 * 1024 + 20 * 3 * pages
    assert read < allowed, f"read {read} bytes of a {large.stat().st_size}-byte PDF"


def test_checking_and_counting_a_large_docx_reads_its_central_directory_and_app_xml(
    documents: dict[str, Path],
) -> None:
    def check_and_count(path: Path) -> Callable[[], object]:
        return lambda: (check_file(path, DOCX, "test"), count_locally(path))

    bytes_read(check_and_count(documents["small.docx"]))
    large = documents["large.docx"]
    read = bytes_read(check_and_count(large))
    assert count_locally(large).pages > 50
    assert read < 64 * 1024, f"read {read} bytes of a {large.stat().st_size}-byte DOCX"


def test_checking_a_large_image_reads_its_header(tmp_path: Path) -> None:
    from PIL import Image

    def photo(name: str, width: int, height: int) -> Path:
        path = tmp_path / name
        bands = [Image.effect_noise((width, height), 60) for _ in range(3)]
        Image.merge("RGB", bands).save(path, "JPEG", quality=95)
        return path

    small, large = photo("small.jpg", 64, 48), photo("large.jpg", 4000, 3000)
    assert large.stat().st_size > 8 * MB
    bytes_read(lambda: check_file(small, JPEG, "test"))
    read = bytes_read(lambda: check_file(large, JPEG, "test"))
    assert check_file(large, JPEG, "test").width == 4000
    assert read < 64 * 1024, f"read {read} bytes of a {large.stat().st_size}-byte JPEG"


def _random_file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def test_both_digests_come_from_one_read_and_the_second_call_reads_nothing(
    tmp_path: Path,
) -> None:
    path = _random_file(tmp_path / "input.bin", 3 * MB + 17)
    data = path.read_bytes()
    first: list[object] = []
    read = bytes_read(lambda: first.append(digests(path)))
    assert first == [digests(path)]
    assert digests(path).md5 == hashlib.md5(data).hexdigest()
    assert digests(path).sha256 == hashlib.sha256(data).hexdigest()
    assert len(data) <= read < len(data) + 64 * 1024  # one pass, not one per digest
    again = bytes_read(lambda: (digests(path), file_digest(path), file_digest(path, "md5")))
    assert again < NOTHING
    assert file_digest(path) == hashlib.sha256(data).hexdigest()
    assert file_digest(path, "sha1") == hashlib.sha1(data).hexdigest()  # any other: read


_OPENED: list[str] = []


def _count_opens(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and isinstance(args[0], (str, Path)):
        _OPENED.append(str(args[0]))


sys.addaudithook(_count_opens)  # audit hooks stay for the process: it only records


def test_an_input_is_opened_once_to_check_and_once_to_hash(tmp_path: Path) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(b"some text\n" * 1000)
    text = FileLimits(extensions=frozenset({"txt"}), max_bytes=MB)
    _OPENED.clear()
    facts = check_file(path, text, "test")  # size, folder, readability, content
    assert _OPENED.count(str(path)) == 1 and facts.size == 10_000
    known = digests(path)
    assert known.size == 10_000 and _OPENED.count(str(path)) == 2
    # Remembered: found again from the file's identity, without opening it.
    assert (digests(path), file_digest(path), file_digest(path, "md5"))[0] == known
    assert _OPENED.count(str(path)) == 2


def test_the_digests_are_read_again_when_the_file_changes(tmp_path: Path) -> None:
    path = _random_file(tmp_path / "input.bin", 1 * MB)
    before = digests(path)
    stat = path.stat()

    # Same size, new content, and the modification time put back as it was: the
    # change time still tells.
    path.write_bytes(os.urandom(1 * MB))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed = digests(path)
    assert changed != before
    assert changed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    # A new size.
    with path.open("ab") as handle:
        handle.write(b"more")
    grown = digests(path)
    assert grown.md5 == hashlib.md5(path.read_bytes()).hexdigest()
    assert bytes_read(lambda: digests(path)) < NOTHING

    # A new modification time alone (content rewritten identically): read again.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert bytes_read(lambda: digests(path)) >= path.stat().st_size


def test_a_file_replaced_under_the_same_name_is_hashed_anew(tmp_path: Path) -> None:
    path = _random_file(tmp_path / "input.bin", 4096)
    before = digests(path)
    replacement = _random_file(tmp_path / "next.bin", 4096)
    replacement.replace(path)  # a new inode, as an editor's atomic save makes
    assert digests(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest() != before.sha256
