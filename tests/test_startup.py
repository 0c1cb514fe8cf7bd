"""Start-up stays cheap: ``transhub --help`` and core commands import no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

import click

HEAVY = ("requests", "urllib3", "pydantic", "pydantic_settings", "PIL", "pypdf", "werkzeug", "rich")

PROBE = """
import json, sys
from transhub.cli.root import run
code = run(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(%r)))
commands = sorted(m for m in sys.modules if m.startswith("transhub.cli.")
                  and m not in ("transhub.cli.root", "transhub.cli.output", "transhub.cli.runtime"))
print(json.dumps({"code": code, "heavy": heavy, "commands": commands}), file=sys.stderr)
"""


def _imports(*argv):
    result = subprocess.run(
        [sys.executable, "-c", PROBE % json.dumps(HEAVY), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_help_imports_no_heavy_library():
    assert _imports("--help") == {"code": 0, "heavy": [], "commands": []}


def test_help_lists_the_core_commands_without_importing_them():
    """``--help`` takes the core commands' summaries from ``CORE_SUMMARIES`` (and
    imports none of their modules: above); each says what the command's own help says."""
    from transhub.cli.root import CORE_COMMANDS, CORE_SUMMARIES, cli, summary

    assert set(CORE_SUMMARIES) == set(CORE_COMMANDS)
    with click.Context(cli) as ctx:
        for name, said in CORE_SUMMARIES.items():
            command = cli.get_command(ctx, name)
            assert command is not None and not command.hidden, name
            assert said == summary(command), name


def test_version_and_subcommand_help_import_no_heavy_library():
    assert _imports("--version")["heavy"] == []
    assert _imports("doc", "translate", "--help")["heavy"] == []


def test_the_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "transhub", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.startswith("transhub, version ")
