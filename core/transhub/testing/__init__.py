"""Test helpers for transhub and its provider plugins.

* :func:`invoke` runs the real CLI in-process and captures stdout, stderr and the
  exit code, exactly as a shell would see them.
* :func:`serve` runs an emulator on a free loopback port for the length of a
  ``with`` block.
* :func:`isolated_environment` gives a run its own ``TRANSHUB_HOME`` and drops every
  transhub or provider variable inherited from the caller.

The plugin kit builds on them: :mod:`transhub.testing.contract` (the rules, and
:class:`~transhub.testing.contract.Contract` describing a plugin under test),
:mod:`transhub.testing.suite` (the rules as a pytest test class) and
:mod:`transhub.testing.plugin` (fixtures, loaded by pytest through the ``pytest11``
entry point).  ``Contract``, ``Samples`` and ``ProviderContract`` are importable from
here too; like everything else in this module they are imported only when used.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transhub.testing.contract import Contract, Samples
    from transhub.testing.suite import ProviderContract

__all__ = [
    "INHERITED_PREFIXES",
    "CliResult",
    "Contract",
    "ManualClock",
    "ProviderContract",
    "Samples",
    "invoke",
    "isolated_environment",
    "make_image",
    "make_pdf",
    "serve",
]

_LAZY = {
    "Contract": "transhub.testing.contract",
    "Samples": "transhub.testing.contract",
    "ProviderContract": "transhub.testing.suite",
}

#: Prefixes of the variables a test must not inherit from the developer's shell.
INHERITED_PREFIXES = ("TRANSHUB_", "ALIBABA_CLOUD_", "DEEPL_")


@dataclass(frozen=True)
class CliResult:
    """What one CLI run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """stdout, line by line."""
        return self.stdout.splitlines()


def invoke(
    argv: Sequence[str], *, input: str | None = None, env: dict[str, str] | None = None
) -> CliResult:
    """Run ``transhub ARGV`` in this process through the real entry point."""
    from click.testing import CliRunner

    from transhub.cli.root import run

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (out, err, _):
        code = run(list(argv))
        stdout, stderr = out.getvalue(), err.getvalue()
    return CliResult(code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))


@contextlib.contextmanager
def serve(app: Any, **kwargs: Any) -> Iterator[Any]:
    """Serve ``app`` on a free loopback port; yield the running server (``.url``)."""
    from transhub.emulation import EmulatorServer

    with EmulatorServer(app, **kwargs) as server:
        yield server


def isolated_environment(home: Path, *, plugins: str | None = None) -> dict[str, str]:
    """An environment for a transhub run that sees nothing of the caller's settings:
    ``TRANSHUB_HOME`` is ``home``; every ``TRANSHUB_*``/``ALIBABA_CLOUD_*`` variable is
    dropped; ``plugins`` sets ``TRANSHUB_PLUGINS``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_PREFIXES)}
    env["TRANSHUB_HOME"] = str(home)
    if plugins is not None:
        env["TRANSHUB_PLUGINS"] = plugins
    return env


class ManualClock:
    """A clock that moves only when told to (thread-safe): hand it to an emulator's
    options so tests move time forward instead of sleeping."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        import threading

        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self._now += seconds


def make_pdf(path: Path, pages: int = 1) -> Path:
    """Write a real (blank) PDF with ``pages`` pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_image(path: Path, width: int, height: int) -> Path:
    """Write a real image of the given size (format from the extension)."""
    from PIL import Image

    Image.new("RGB", (width, height), "white").save(path)
    return path


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'transhub.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
