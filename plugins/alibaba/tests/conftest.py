"""Fixtures for the Alibaba plugin's tests.

Every test runs with its own ``TRANSHUB_HOME`` and none of the developer's
``TRANSHUB_*`` or ``ALIBABA_CLOUD_*`` variables.  The emulator runs on a free loopback
port with a manual clock: tests move time forward instead of sleeping, and the HTTP
client's back-off sleeps are recorded rather than slept.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from transhub.capabilities.base import ProviderContext
from transhub.emulation import EmulatorServer
from transhub.http import HttpClient, HttpOptions

from transhub_alibaba.client import AlibabaClient
from transhub_alibaba.emulator import AlibabaEmulator, EmulatorApp, EmulatorOptions, create_emulator
from transhub_alibaba.provider import PROVIDER
from transhub_alibaba.sandbox import environment
from transhub_alibaba.settings import AlibabaSettings
from transhub_alibaba.translator import AlibabaImageTranslator

INHERITED_PREFIXES = ("TRANSHUB_", "ALIBABA_CLOUD_")
FAST = {
    "TRANSHUB_POLL_INTERVAL": "0.01",
    "TRANSHUB_POLL_MAX_INTERVAL": "0.02",
    "TRANSHUB_PLUGINS": "alibaba",
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private TRANSHUB_HOME, a clean environment and a private working folder."""
    for key in list(os.environ):
        if key.startswith(INHERITED_PREFIXES):
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("TRANSHUB_HOME", str(home))
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return home


class ManualClock:
    """A clock that moves only when told to (thread-safe)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self._now += seconds


@dataclass
class Service:
    """A running emulator: its URL, the app (faults, log) and the service's clock."""

    url: str
    app: EmulatorApp
    clock: ManualClock

    @property
    def emulator(self) -> AlibabaEmulator:
        """The emulated service itself."""
        return self.app.emulator

    @property
    def options(self) -> EmulatorOptions:
        """The emulator's options (mutable: tests may adjust them)."""
        return self.app.emulator.options


@pytest.fixture
def clock() -> ManualClock:
    """The emulator's clock."""
    return ManualClock()


@pytest.fixture
def service(clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """The emulator on loopback (tasks finish at once, results kept an hour), with the
    plugin pointed at it through its environment variables."""
    app = create_emulator(EmulatorOptions(task_seconds=0.0, clock=clock, throttle_retry_after=0.25))
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        yield Service(server.url, app, clock)


@dataclass
class Sleeps:
    """The back-off delays the HTTP client asked for (instead of sleeping)."""

    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    """Recorded back-off sleeps."""
    return Sleeps()


@pytest.fixture
def make_client(sleeps: Sleeps) -> Callable[..., AlibabaClient]:
    """Build a client from the environment plus ``overrides``; its sleeps are recorded."""

    def build(*, clock: Callable[[], float] | None = None, **overrides: Any) -> AlibabaClient:
        settings = AlibabaSettings(**overrides)
        http = HttpClient("alibaba", HttpOptions(connect_timeout=5, read_timeout=10, retries=3))
        http.sleep = sleeps
        if clock is None:
            return AlibabaClient(settings, http)
        return AlibabaClient(settings, http, clock=clock)

    return build


@pytest.fixture
def make_translator(
    make_client: Callable[..., AlibabaClient],
) -> Callable[..., AlibabaImageTranslator]:
    """Build the image translator around :func:`make_client`'s client."""

    def build(**kwargs: Any) -> AlibabaImageTranslator:
        client = make_client(**kwargs)
        context = ProviderContext(
            info=PROVIDER, settings=client.settings, http=client.http, client=client
        )
        return AlibabaImageTranslator(context)

    return build
