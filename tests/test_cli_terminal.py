"""What a person at a terminal sees, in a real pty: tables fit the width, errors are
highlighted unless NO_COLOR, the languages summary, and text from standard input."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from transhub.errors import EXIT_CODES
from transhub.testing.terminal import on_pty

DEADLINE = 60.0
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def in_pty(*argv: str, columns: int = 80, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``transhub ARGV`` with stdin, stdout and stderr on a pty of ``columns``;
    return the exit code and everything it wrote."""
    code, written, _ = on_pty(*argv, columns=columns, env=env)
    return code, written


def test_tables_fit_the_terminal_width(echo):
    for columns in (50, 72, 120):
        code, out = in_pty(
            "languages", "--provider", "fanyigou", "--capability", "text", columns=columns
        )
        assert code == 0, out
        lines = [ANSI.sub("", line) for line in out.splitlines() if line.strip()]
        assert any("code" in line for line in lines), out
        assert max(len(line) for line in lines) <= columns, out
        text = "".join(ANSI.sub("", out).split())  # cells wrap, but nothing is cut off
        assert "Chinese" in text.replace("zh", "", 1) or "Chin" in text
        assert all(code in text for code in ("de", "en", "fra", "kor", "yes", "no"))


def test_a_wide_table_is_not_cut_when_piped(echo):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "transhub",
            "languages",
            "--provider",
            "fanyigou",
            "--capability",
            "text",
        ],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        env={**os.environ, "COLUMNS": "40"},
        check=True,
    )
    assert "Chinese (Simplified)" in result.stdout  # plain columns for scripts and grep
    assert "\x1b[" not in result.stdout


def test_errors_are_highlighted_on_a_terminal_unless_no_color(echo):
    code, out = in_pty("text", "hi", "--to", "chinese", "--provider", "echo")
    assert code == EXIT_CODES["input"]
    assert "\x1b[" in out and "transhub: error:" in ANSI.sub("", out)
    assert "did you mean zh" in ANSI.sub("", out)
    code, plain = in_pty(
        "text", "hi", "--to", "chinese", "--provider", "echo", env={"NO_COLOR": "1"}
    )
    assert code == EXIT_CODES["input"]
    assert "\x1b[" not in plain
    assert "transhub: error: unknown language code 'chinese'" in plain


def test_no_color_also_plain_tables(echo):
    code, out = in_pty("account", "--provider", "echo", env={"NO_COLOR": "1"})
    assert code == 0 and "\x1b[" not in out and "characters" in out
    code, coloured = in_pty("account", "--provider", "echo")
    assert code == 0 and "\x1b[" in coloured


def test_languages_without_filters_is_a_summary(cli, echo):
    summary = cli("languages")
    assert summary.exit_code == 0
    assert summary.lines[0].split() == ["provider", "capability", "codes", "source", "target"]
    assert len(summary.lines) < 20
    assert "--all" in summary.stderr
    everything = cli("languages", "--all")
    assert len(everything.lines) > 100
    assert everything.lines[0].split() == [
        "provider",
        "capability",
        "code",
        "name",
        "provider_code",
        "source",
        "target",
    ]


def test_text_reads_standard_input_when_it_is_not_a_terminal(echo):
    piped = subprocess.run(
        [sys.executable, "-m", "transhub", "text", "--to", "zh", "--provider", "echo"],
        input="hello from a pipe\n",
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == "[zh] hello from a pipe\n"
    code, out = in_pty("text", "--to", "zh", "--provider", "echo")
    assert code == EXIT_CODES["usage"]
    assert "give TEXT, or pipe the text in on standard input" in out
