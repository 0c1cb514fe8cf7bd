"""Fixtures shared by the core's tests.

Every test runs with its own ``TRANSHUB_HOME`` and none of the developer's
``TRANSHUB_*`` variables, with the broken test plugin excluded unless a test asks
for it, and with polling intervals short enough to keep runs fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from transhub.testing import INHERITED_PREFIXES, CliResult, invoke, serve

FAST = {
    "TRANSHUB_POLL_INTERVAL": "0.01",
    "TRANSHUB_POLL_MAX_INTERVAL": "0.02",
    "TRANSHUB_PLUGINS": "echo,fanyigou,alibaba",
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private TRANSHUB_HOME and a clean environment for every test."""
    for key in list(os.environ):
        if key.startswith(INHERITED_PREFIXES):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("TRANSHUB_HOME", str(home))
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    # The module-level shortcuts keep one hub per process; each test configures anew.
    import transhub.api

    monkeypatch.setattr(transhub.api, "_default", None)
    return home


@dataclass
class Emulator:
    """A running emulator: its URL, request log and faults."""

    url: str
    app: Any

    @property
    def log(self) -> Any:
        return self.app.log

    @property
    def faults(self) -> Any:
        return self.app.faults

    @property
    def service(self) -> Any:
        return self.app.app


@pytest.fixture
def echo(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """The echo service on loopback, with echo (and parrot) pointed at it."""
    from transhub_echo.emulator import create_app

    app = create_app()
    with serve(app) as server:
        monkeypatch.setenv("TRANSHUB_ECHO_ENDPOINT", server.url)
        monkeypatch.setenv("TRANSHUB_ECHO_TOKEN", "test-token")
        yield Emulator(server.url, app)


@pytest.fixture
def fanyigou(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The Fanyigou emulator on loopback (tasks of 50 ms), fanyigou pointed at it."""
    from transhub.emulation import EmulatorServer

    from transhub_fanyigou.emulator import EmulatorOptions, FanyigouEmulator
    from transhub_fanyigou.sandbox import environment

    app = FanyigouEmulator(EmulatorOptions(task_seconds=0.05))
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("TRANSHUB_FANYIGOU_WAIT_INTERVAL", "0.02")
        yield app
    app.close()


@pytest.fixture
def parrot(echo: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    """Parrot configured too (on the same service), so two providers compete."""
    monkeypatch.setenv("TRANSHUB_PARROT_ENDPOINT", echo.url)
    monkeypatch.setenv("TRANSHUB_PARROT_TOKEN", "test-token")
    return echo


@pytest.fixture
def cli() -> Any:
    """Run the real CLI: ``cli("doc", "translate", ...)`` → :class:`CliResult`."""

    def run(*argv: str, input: str | None = None) -> CliResult:
        return invoke(argv, input=input)

    return run


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A small text document."""
    path = tmp_path / "notes.txt"
    path.write_text("first line\nsecond line\n", encoding="utf-8")
    return path
