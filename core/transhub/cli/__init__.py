"""The ``transhub`` command line.

This package imports only click at start-up: each command lives in its own module,
imported when that command runs (or when ``--help`` lists it), and plugins are
loaded only when the command line names a command the core does not have.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from transhub.cli.root import cli, run

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI and exit with its documented exit code."""
    sys.exit(run(list(argv) if argv is not None else sys.argv[1:]))
