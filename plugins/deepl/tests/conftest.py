"""Fixtures for the DeepL plugin's tests.

Every test runs with its own ``TRANSHUB_HOME``, none of the developer's ``TRANSHUB_*``
or ``DEEPL_*`` variables, and only the DeepL plugin loaded (unless a test asks for
more).  The emulator runs on a free loopback port with a manual clock: tests move
time forward instead of sleeping, and the HTTP client's back-off is recorded.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from transhub.emulation import EmulatorServer
from transhub.testing import ManualClock

from transhub_deepl.emulator import DeepLEmulator, EmulatorApp, EmulatorOptions, create_emulator
from transhub_deepl.sandbox import environment


@pytest.fixture
def transhub_plugins() -> str | None:
    """Only this plugin (a test that routes between providers overrides it)."""
    return "deepl"


@pytest.fixture
def both(transhub_sandbox: Callable[..., Any]) -> Iterator[dict[str, Any]]:
    """Fanyigou's and DeepL's emulators running, both providers configured (for a
    module whose ``transhub_plugins`` loads both)."""
    yield {name: transhub_sandbox(name) for name in ("fanyigou", "deepl")}


@pytest.fixture(autouse=True)
def isolated(transhub_home: Path) -> Path:
    """Every test gets the kit's isolated home and environment."""
    return transhub_home


@dataclass
class Service:
    """A running emulator: its URL, the app (faults, log) and the service's clock."""

    url: str
    app: EmulatorApp
    clock: ManualClock

    @property
    def emulator(self) -> DeepLEmulator:
        """The emulated service itself."""
        return self.app.emulator

    def count(self, action: str) -> int:
        """How many requests of ``action`` reached the service."""
        return self.app.log.count(action)


@pytest.fixture
def clock() -> ManualClock:
    """The emulator's clock."""
    return ManualClock()


@pytest.fixture
def service(clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """The emulator on loopback (documents take 10 s of the manual clock), with the
    plugin pointed at it."""
    app = create_emulator(
        EmulatorOptions(task_seconds=10.0, clock=clock, throttle_retry_after=0.25)
    )
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        yield Service(server.url, app, clock)


@pytest.fixture
def instant(service: Service) -> Service:
    """The emulator with documents done at once."""
    service.emulator.options.task_seconds = 0.0
    return service


@dataclass
class Sleeps:
    """The back-off delays the HTTP client asked for (instead of sleeping)."""

    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def make_docx() -> Callable[..., Path]:
    """Write a small valid .docx with one paragraph: ``make_docx(path, text)``."""
    from transhub_deepl.emulator.outputs import minimal_docx

    def write(path: Path, text: str = "Hello, world") -> Path:
        path.write_bytes(minimal_docx(text))
        assert zipfile.is_zipfile(path)
        return path

    return write


@pytest.fixture
def killed_after_moving(
    both: dict[str, Any], transhub_cli: Callable[..., Any]
) -> Callable[[Path, Path], list[str]]:
    """``(notes, out)``: run ``doc translate notes --fallback`` in a real process with
    Fanyigou and DeepL configured, DeepL refusing (456): the job moves to Fanyigou and
    the process is SIGKILLed while Fanyigou translates.  Returns its transhub
    arguments without ``--fallback``, to run again."""
    from transhub.testing.processes import kill, reap, spawn

    def run(notes: Path, out: Path) -> list[str]:
        # In the configuration, not -c: `jobs resume` runs the batch again as configured.
        assert transhub_cli("config", "set", "routing.order", "deepl,fanyigou").exit_code == 0
        both["deepl"].app.emulator.options.character_limit = 0
        held = both["fanyigou"].app.faults.hold("queryTransProgress", timeout=60)
        argv = ["doc", "translate", str(notes), "--from", "en", "--to", "zh", "-o", str(out)]
        process = spawn(*argv, "--fallback")
        try:
            assert held.arrived.wait(60), "the moved job never polled Fanyigou"
            kill(process)  # SIGKILL, the transhub process itself
        finally:
            reap(process)
            held.release()
        return argv

    return run
