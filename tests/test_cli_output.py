"""``-o``: a single result to a file or, with ``-o -``, to stdout (never a folder named
``-``); the helper the document and image commands use for the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from transhub.cli.output import result_folder
from transhub.errors import EXIT_CODES, UsageError
from transhub.testing import make_image


def test_text_ocr_and_dict_write_to_stdout_with_dash(cli, echo, tmp_path):
    image = make_image(tmp_path / "scan.png", 100, 40)
    for argv, expected in (
        (["text", "hi", "--to", "zh"], "[zh] hi\n"),
        (["ocr", str(image)], "hello\n"),
    ):
        result = cli(*argv, "--provider", "echo", "-o", "-")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == expected
    assert cli("dict", "hello", "--provider", "echo", "-o", "-").stdout.startswith("hello\n")
    assert not (tmp_path / "-").exists()


def test_o_file_writes_the_result_and_refuses_to_replace_it(cli, echo, tmp_path):
    target = tmp_path / "greeting.txt"
    result = cli("text", "hi", "--to", "zh", "--provider", "echo", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and target.read_text(encoding="utf-8") == "[zh] hi\n"
    assert f"written: {target}" in result.stderr
    again = cli("text", "ho", "--to", "zh", "--provider", "echo", "-o", str(target))
    assert again.exit_code == EXIT_CODES["input"] and target.read_text() == "[zh] hi\n"
    forced = cli("text", "ho", "--to", "zh", "--provider", "echo", "-o", str(target), "--overwrite")
    assert forced.exit_code == 0 and target.read_text() == "[zh] ho\n"


def test_result_folder_copies_a_single_result_to_stdout(tmp_path, capfdbinary):
    with result_folder(Path("-")) as folder:
        assert folder.name != "-" and folder.is_dir()
        (folder / "report.zh.txt").write_bytes(b"\xe4\xbd\xa0\xe5\xa5\xbd\n")
    assert capfdbinary.readouterr().out == "你好\n".encode()
    assert not folder.exists() and not Path("-").exists()
    with result_folder(tmp_path / "out") as same:
        assert same == tmp_path / "out"
    # Several files (refused before the run, so never expected): an error of one line,
    # exit 2, and the paid results kept where the error says.
    with pytest.raises(UsageError, match="single result"), result_folder(Path("-")) as two:
        (two / "a.txt").write_text("a")
        (two / "b.txt").write_text("b")
    assert sorted(p.name for p in two.iterdir()) == ["a.txt", "b.txt"]
    shutil.rmtree(two)
