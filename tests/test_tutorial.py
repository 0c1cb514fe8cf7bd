"""The plugin tutorial (docs/plugins/writing.md) shows the example plugin's real files:
every inclusion resolves, and every file of the example is shown."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
TUTORIAL = (ROOT / "docs" / "plugins" / "writing.md").read_text(encoding="utf-8")
INCLUDES = re.findall(r'^--8<-- "([^"]+)"$', TUTORIAL, flags=re.MULTILINE)


def test_every_inclusion_names_an_existing_file_and_section():
    assert INCLUDES
    for include in INCLUDES:
        path, _, section = include.partition(":")
        text = (EXAMPLES / path).read_text(encoding="utf-8")
        if section:
            assert f"# --8<-- [start:{section}]" in text, include
            assert f"# --8<-- [end:{section}]" in text, include


def test_every_file_of_the_example_is_shown():
    shown = {include.partition(":")[0] for include in INCLUDES}
    example = EXAMPLES / "transhub-shout"
    files = {
        str(p.relative_to(EXAMPLES))
        for p in [
            example / "pyproject.toml",
            *example.glob("src/*/*.py"),
            *example.glob("tests/*.py"),
        ]
        if p.name != "__init__.py"
    }
    assert files <= shown, f"not in the tutorial: {sorted(files - shown)}"


def test_provider_py_is_shown_whole_in_its_sections():
    """Between them, the sections shown hold every line but the module docstring."""
    provider = "transhub-shout/src/transhub_shout/provider.py"
    text = (EXAMPLES / provider).read_text(encoding="utf-8")
    for include in INCLUDES:
        path, _, section = include.partition(":")
        if path == provider:
            start, end = f"# --8<-- [start:{section}]", f"# --8<-- [end:{section}]"
            text = text[: text.index(start)] + text[text.index(end) + len(end) :]
    assert [line for line in text.splitlines() if line.strip()] == [
        '"""The Shout provider: its settings, its API client and its one capability."""'
    ]
