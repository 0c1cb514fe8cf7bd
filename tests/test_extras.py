"""Using an optional part that is not installed names its install command, in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from transhub.errors import EXIT_CODES


@pytest.mark.parametrize(
    ("missing", "args", "extra"),
    [
        ("psycopg", ["jobs", "list"], "transhub[cluster]"),
        ("procrastinate", ["journal", "migrate"], "transhub[cluster]"),
        ("werkzeug", ["--sandbox", "providers"], "transhub[sandbox]"),
    ],
)
def test_a_missing_extra_is_a_one_line_error_naming_the_install(
    tmp_path: Path, missing: str, args: list[str], extra: str
) -> None:
    # The module is made unimportable in the child (a None entry in sys.modules makes
    # `import` raise ImportError), as if the extra had not been installed.
    code = (
        f"import sys; sys.modules[{missing!r}] = None; sys.argv = ['transhub', *{args!r}];"
        " from transhub.cli import main; main()"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "TRANSHUB_HOME": str(tmp_path),
        "TRANSHUB_JOURNAL_URL": "postgresql://team@127.0.0.1:9/journal",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == EXIT_CODES["configuration"], done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("transhub: plugin")]
    assert len(lines) == 1 and missing in lines[0] and extra in lines[0], done.stderr
    assert "Traceback" not in done.stderr
