"""The documentation's sandbox examples run as written, with the plugins the README's
main command installs (Fanyigou, Alibaba and DeepL, whose capabilities overlap: an
example that leaves the choice between two providers open fails routing, exit 5).

Every shell line that starts ``transhub --sandbox`` in a ``sh`` block of the README or
docs/ is run through ``bash`` (a ``| jq …`` filter is left off: its input must then be
JSON), and every ``python`` block that uses ``Hub(sandbox=True)`` is run whole."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from transhub.testing import isolated_environment

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
PLUGINS = "fanyigou,alibaba,deepl"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for lang, body in BLOCK.findall(page.read_text(encoding="utf-8")):
            if lang == language:
                found.append((str(page.relative_to(ROOT)), body))
    return found


def _shell_examples() -> list[tuple[str, str]]:
    lines = []
    for page, body in _blocks("sh"):
        for line in body.splitlines():
            if line.startswith("transhub --sandbox ") and "COMMAND" not in line:
                lines.append((page, line.split("  #")[0].strip()))
    return lines


def _python_examples() -> list[tuple[str, str]]:
    return [(page, body) for page, body in _blocks("python") if "Hub(sandbox=True)" in body]


@pytest.fixture
def workdir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder with the inputs the examples name (``reports/``), and an environment
    with the README's plugins, this interpreter's ``transhub`` first on PATH."""
    env = isolated_environment(tmp_path / "home", plugins=PLUGINS)
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    sample = subprocess.run(
        ["transhub", "sandbox", "sample"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    (tmp_path / "reports").mkdir()
    shutil.copy(sample, tmp_path / "reports" / "welcome.txt")
    return tmp_path, env


def test_the_docs_have_sandbox_examples():
    assert len(_shell_examples()) >= 5
    assert _python_examples()


@pytest.mark.parametrize(("page", "line"), _shell_examples())
def test_a_sandbox_command_of_the_docs_runs_as_written(workdir, page, line):
    folder, env = workdir
    command, _, jq = line.partition(" | jq ")
    result = subprocess.run(
        ["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{page}: {line}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    if jq:
        json.loads(result.stdout)  # what jq would have read


@pytest.mark.parametrize(("page", "code"), _python_examples())
def test_a_sandbox_python_example_of_the_docs_runs_as_written(workdir, page, code):
    folder, env = workdir
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{page}:\n{code}\n{result.stderr}"
    assert result.stdout.strip()
