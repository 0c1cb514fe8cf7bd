"""Counts in messages agree with their number (``1 document``, ``2 documents``),
whatever the command: every message words its counts through ``transhub.counts``.
Each check runs the real CLI, for one and for two of a thing."""

from __future__ import annotations

from pathlib import Path

import pytest
from transhub.counts import counted, in_unit, noun
from transhub.testing import make_image


def one_line_files(folder: Path, count: int) -> list[str]:
    """``count`` text files the echo emulator counts as one page each (no newline)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(count):
        path = folder / f"d{number}.txt"
        path.write_text(f"line {number}", encoding="utf-8")
        made.append(str(path))
    return made


@pytest.mark.parametrize(
    ("count", "question", "estimate"),
    [
        (1, "Translate 1 document (about 1 page)?", "echo: estimate 1 page; balance 100 pages"),
        (2, "Translate 2 documents (about 2 pages)?", "echo: estimate 2 pages; balance 100 pages"),
    ],
)
def test_confirm_counts_documents_and_pages(cli, echo, tmp_path, count, question, estimate):
    docs = one_line_files(tmp_path / "in", count)
    result = cli("doc", "translate", *docs, "--to", "zh", "--provider", "echo", "--confirm",
                 input="n\n")  # fmt: skip
    assert result.exit_code == 1 and "nothing was sent" in result.stderr
    assert question in result.stderr and estimate in result.stderr
    assert echo.log.count("/v1/documents") == 0


@pytest.mark.parametrize(
    ("count", "question", "estimate"),
    [
        (1, "Translate 1 image?", "estimate 1 image;"),
        (2, "Translate 2 images?", "estimate 2 images;"),
    ],
)
def test_confirm_counts_images(cli, fanyigou, tmp_path, count, question, estimate):
    (tmp_path / "in").mkdir()
    made = [str(make_image(tmp_path / "in" / f"i{n}.png", 40 + n, 40)) for n in range(count)]
    result = cli("image", "translate", *made, "--to", "en", "--provider", "fanyigou",
                 "-o", "out", "--confirm", input="n\n")  # fmt: skip
    assert result.exit_code == 1 and "nothing was sent" in result.stderr
    assert question in result.stderr and estimate in result.stderr
    assert fanyigou.log.count("image/uploadTranslateImage") == 0


def test_page_totals(cli, tmp_path):
    docs = one_line_files(tmp_path / "in", 2)
    result = cli("doc", "pages", *docs)
    assert result.exit_code == 0, result.stderr
    assert result.lines[-1] == "total: 2 pages"


@pytest.mark.parametrize(("count", "words"), [(1, "1 job"), (2, "2 jobs")])
def test_jobs_counts(cli, echo, tmp_path, count, words):
    for doc in one_line_files(tmp_path / "in", count):
        assert cli("doc", "translate", doc, "--to", "zh", "--provider", "echo").exit_code == 0
    listed = cli("jobs", "list", "--limit", "1")
    assert ("the latest 1 job; --limit N" in listed.stderr) is (count == 2)
    dry = cli("jobs", "prune", "--older-than", "0", "--dry-run")
    assert dry.stderr.strip() == f"would prune {words}"
    asked = cli("jobs", "prune", "--older-than", "0", input="n\n")
    assert f"Remove {'this' if count == 1 else 'these'} {words}?" in asked.stderr
    pruned = cli("jobs", "prune", "--older-than", "0", "--yes")
    assert pruned.stderr.strip() == f"pruned {words}"


@pytest.mark.parametrize(
    ("bad", "note"), [(1, "1 of 2 inputs failed"), (2, "2 of 3 inputs failed")]
)
def test_keep_going_counts_the_inputs_left_out(cli, echo, tmp_path, bad, note):
    docs = one_line_files(tmp_path / "in", 1)
    for number in range(bad):
        empty = tmp_path / "in" / f"empty{number}.txt"
        empty.write_bytes(b"")
        docs.append(str(empty))
    result = cli("doc", "translate", *docs, "--to", "zh", "--provider", "echo", "-o", "out",
                 "--keep-going")  # fmt: skip
    assert result.exit_code == 1
    assert note in result.stderr  # said once, by the summary
    assert "not translated" not in result.stderr


def test_the_helpers():
    assert [counted(n, "page") for n in (0, 1, 2)] == ["0 pages", "1 page", "2 pages"]
    assert counted(1, "batch", "batches") == "1 batch" and noun(3, "was", "were") == "were"
    assert in_unit(1, "characters") == "1 character" and in_unit(7, "images") == "7 images"
