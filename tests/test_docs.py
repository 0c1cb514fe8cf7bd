"""Documentation that cannot drift from the code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from transhub import hookspecs
from transhub.errors import EXIT_CODES

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("register_"))


def test_every_hook_has_a_docstring_and_a_docs_section():
    page = (ROOT / "docs" / "plugins" / "hooks.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\w+)$", page, flags=re.MULTILINE))
    for name in HOOKS:
        assert getattr(hookspecs, name).__doc__, f"{name} has no docstring"
        assert name in sections, f"docs/plugins/hooks.md has no section for {name}"


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_exercised_by_a_test(name):
    """Some test module other than this one names the hook (the echo plugin and the
    registry tests implement each one)."""
    users = [
        path
        for path in ROOT.glob("**/test_*.py")
        if path.name != "test_docs.py"
        and ".nox" not in path.parts
        and name in path.read_text(encoding="utf-8")
    ]
    plugin = (ROOT / "tests/plugins/echo/src/transhub_echo/plugin.py").read_text(encoding="utf-8")
    assert users or name in plugin, f"no test exercises {name}"
    assert name in plugin, f"the echo test plugin does not implement {name}"


def test_exit_code_table_matches_the_code():
    page = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    documented = {
        int(code): meaning
        for code, meaning in re.findall(r"^\| (\d+) \| ([a-z -]+) \|", page, re.M)
    }
    assert documented == {code: kind.replace("-", " ") for kind, code in EXIT_CODES.items()}


def _block_after(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\s*```sh\n(.+?)\n```", text, flags=re.S)
    assert match, f"README.md has no {marker} block"
    return match.group(1)


def test_ci_runs_the_readme_test_command():
    command = _block_after("test-command")
    # CI's gates are the README's: lint, strict type checks and the tests.
    assert "nox -s lint typecheck tests" in command
    extracted = subprocess.run(
        [
            "bash",
            "-c",
            "awk '/<!-- test-command -->/{f=1; next} f && /^```sh/{g=1; next} "
            "g && /^```/{exit} g{print}' README.md",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert extracted == command
    assert "README.md" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_main_command_installs_both_plugins():
    command = _block_after("main-command")
    assert "plugins/fanyigou" in command and "plugins/alibaba" in command
    assert "plugins/deepl" in command
    assert "transhub --sandbox doc translate" in command
