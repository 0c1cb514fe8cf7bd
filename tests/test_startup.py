"""Start-up stays cheap: ``transhub --help`` and core commands import no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("requests", "urllib3", "pydantic", "pydantic_settings", "PIL", "pypdf", "werkzeug", "rich")

PROBE = """
import json, sys
from transhub.cli.root import run
code = run(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(%r)))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
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
    assert _imports("--help") == {"code": 0, "heavy": []}


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
