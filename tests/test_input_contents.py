"""What a file is, checked before anything is sent: an Office package by the parts its
zip's central directory lists, a misnamed file by what its signature says it is, and a
damaged PDF refused in one line (pypdf's own log lines silenced).  The CLI runs in a
subprocess, so stderr is exactly what a user sees."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from transhub.capabilities.base import FileLimits
from transhub.errors import EXIT_CODES, InputError
from transhub.testing import make_image
from transhub.validation import check_file

INPUT = EXIT_CODES["input"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
    '/package/2006/content-types"/>'
)
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _zip(path: Path, members: dict[str, str]) -> Path:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    path.write_bytes(out.getvalue())
    return path


def _rels(target: str) -> str:
    return (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package'
        f'/2006/relationships"><Relationship Id="rId1" Target="{target}" '
        f'Type="{RELATIONSHIP}"/></Relationships>'
    )


def _package(path: Path, main: str, rels_target: str | None = None) -> Path:
    members = {"[Content_Types].xml": CONTENT_TYPES, main: "<x/>"}
    members["_rels/.rels"] = _rels(rels_target or main)
    return _zip(path, members)


def _transhub(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess (the test's environment: its home, the emulator)."""
    return subprocess.run(
        [sys.executable, "-m", "transhub", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )


def _one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("transhub: error: "), stderr
    return lines[0]


PACKAGES = [
    ("junk.docx", "a Word document", "word/document.xml"),
    ("junk.xlsx", "an Excel workbook", "xl/workbook.xml"),
    ("junk.pptx", "a PowerPoint presentation", "ppt/presentation.xml"),
]


@pytest.mark.parametrize(("name", "kind", "main"), PACKAGES, ids=["docx", "xlsx", "pptx"])
def test_a_zip_of_junk_named_as_an_office_file_is_refused_before_sending(
    fanyigou, tmp_path, name, kind, main
):
    junk = _zip(tmp_path / name, {"junk.txt": "not a document"})
    expected = f"transhub: error: {junk}: is not {kind} (the zip holds no {main})"
    for command in (
        ("doc", "translate", str(junk), "--to", "zh", "--provider", "fanyigou"),
        ("doc", "convert", str(junk), "--format", "pdf", "--provider", "fanyigou"),
        ("doc", "pages", str(junk), "--provider", "fanyigou"),
    ):
        result = _transhub(*command)
        assert result.returncode == INPUT, (command, result.stderr)
        assert _one_line(result.stderr) == expected, command
        assert result.stdout == ""
    assert fanyigou.log.count() == 0


def test_a_zip_of_junk_has_no_local_page_count(tmp_path):
    junk = _zip(tmp_path / "junk.docx", {"junk.txt": "not a document"})
    result = _transhub("doc", "pages", str(junk))
    assert result.returncode == INPUT
    assert "is not a Word document (the zip holds no word/document.xml)" in _one_line(result.stderr)


def test_a_package_without_content_types_is_refused(tmp_path):
    path = _zip(tmp_path / "bare.docx", {"word/document.xml": "<x/>"})
    limits = FileLimits(extensions=frozenset({"docx"}), max_bytes=1 << 20)
    with pytest.raises(InputError, match=r"holds no \[Content_Types\]\.xml"):
        check_file(path, limits, "test")


@pytest.mark.parametrize(("name", "kind", "main"), PACKAGES, ids=["docx", "xlsx", "pptx"])
def test_a_real_package_passes_and_so_does_one_whose_main_part_is_named_otherwise(
    tmp_path, name, kind, main
):
    limits = FileLimits(extensions=frozenset({name.rsplit(".")[-1]}), max_bytes=1 << 20)
    check_file(_package(tmp_path / name, main), limits, "test")
    elsewhere = main.replace(".xml", "2.xml")
    check_file(_package(tmp_path / f"other-{name}", elsewhere), limits, "test")
    # _rels/.rels names a part the zip does not hold: that part is named.
    lost = _zip(
        tmp_path / f"lost-{name}",
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": _rels(f"/{elsewhere}")},
    )
    with pytest.raises(InputError, match=f"is not {kind} \\(the zip holds no {elsewhere}\\)"):
        check_file(lost, limits, "test")


def test_a_file_that_is_not_a_zip_at_all_is_refused(tmp_path):
    path = tmp_path / "cut.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)  # the signature, then nothing
    limits = FileLimits(extensions=frozenset({"docx"}), max_bytes=1 << 20)
    with pytest.raises(InputError, match="is not a Word document \\(not a readable zip"):
        check_file(path, limits, "test")


def test_a_png_named_jpg_is_said_to_be_a_png(fanyigou, tmp_path):
    path = make_image(tmp_path / "realpng.png", 64, 48)
    misnamed = path.rename(tmp_path / "realpng.jpg")
    result = _transhub("image", "translate", str(misnamed), "--from", "zh", "--to", "en")
    assert result.returncode == INPUT
    assert _one_line(result.stderr).endswith(
        "is named .jpg but its content is not a JPEG image (it is a PNG image)"
    )
    assert fanyigou.log.count() == 0


TRUNCATED = b"%PDF-1.4\n1 0 obj\n<<"


@pytest.mark.parametrize(
    "command",
    [
        ("doc", "convert", "{}", "--format", "word", "--provider", "fanyigou"),
        ("doc", "translate", "{}", "--to", "zh", "--provider", "fanyigou"),
        ("doc", "pages", "{}"),
        ("doc", "pages", "{}", "--provider", "fanyigou"),
    ],
    ids=["convert", "translate", "pages-local", "pages-provider"],
)
def test_a_truncated_pdf_is_one_line_on_stderr(fanyigou, tmp_path, command):
    path = tmp_path / "trunc.pdf"
    path.write_bytes(TRUNCATED)
    result = _transhub(*(part.format(path) for part in command))
    assert result.returncode == INPUT, result.stderr
    line = _one_line(result.stderr)
    assert str(path) in line and "not a readable PDF" in line
    assert "EOF marker" not in result.stderr
    assert fanyigou.log.count() == 0


def test_pypdf_is_quiet_while_any_thread_reads_and_restored_after_the_last():
    from transhub.validation import quiet_pypdf

    logger = logging.getLogger("pypdf")
    before = logger.level
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with quiet_pypdf():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second() -> None:
        first_in.wait(10)
        with quiet_pypdf():
            second_in.set()
            first_out.wait(10)
            seen.append(logger.level)  # the first left: still quiet for this one

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [logging.ERROR]
    assert logger.level == before
