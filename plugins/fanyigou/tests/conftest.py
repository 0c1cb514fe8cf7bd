"""Fixtures: the emulator on a loopback port, a client and capabilities pointed at it,
and sample files.  Tasks take 0.2 s; every wait is bounded."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from transhub.capabilities.base import ProviderContext
from transhub.emulation import EmulatorServer
from transhub.http import HttpClient, HttpOptions

from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.emulator import (
    BASE_PATH,
    TEST_APPID,
    TEST_PRIVATE_KEY,
    EmulatorOptions,
    FanyigouEmulator,
    outputs,
)
from transhub_fanyigou.provider import FANYIGOU
from transhub_fanyigou.settings import FanyigouSettings

TASK_SECONDS = 0.2


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own transhub home and no Fanyigou variables from outside."""
    import os

    for name in list(os.environ):
        if name.startswith("TRANSHUB_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("TRANSHUB_HOME", str(home))
    return home


@pytest.fixture
def options() -> EmulatorOptions:
    """Emulator options for one test (change them before the emulator is used)."""
    return EmulatorOptions(task_seconds=TASK_SECONDS, first_tid=1000)


@pytest.fixture
def emulator(options: EmulatorOptions) -> Iterator[FanyigouEmulator]:
    app = FanyigouEmulator(options)
    yield app
    app.close()


@pytest.fixture
def server(emulator: FanyigouEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def endpoint(server: EmulatorServer) -> str:
    return server.url + BASE_PATH


@pytest.fixture
def cli_environment(
    isolated: Path,
    endpoint: str,
    options: EmulatorOptions,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """Point transhub (the CLI, the API) at the emulator, with fast polling, in a
    private working folder; returns the whole environment (for child processes)."""
    import os

    for key, value in {
        "TRANSHUB_FANYIGOU_ENDPOINT": endpoint,
        "TRANSHUB_FANYIGOU_APPID": options.appid,
        "TRANSHUB_FANYIGOU_PRIVATE_KEY": options.private_key,
        "TRANSHUB_FANYIGOU_WAIT_INTERVAL": "0.02",
        "TRANSHUB_POLL_INTERVAL": "0.01",
        "TRANSHUB_POLL_MAX_INTERVAL": "0.02",
        "TRANSHUB_PLUGINS": "fanyigou",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return dict(os.environ)


class Sleeps(list[float]):
    """Records the client's back-off waits and sleeps a bounded, tiny time instead."""

    def __call__(self, seconds: float) -> None:
        import time

        self.append(seconds)
        time.sleep(min(seconds, 0.05))


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def settings(endpoint: str) -> FanyigouSettings:
    return FanyigouSettings(
        appid=TEST_APPID,
        private_key=TEST_PRIVATE_KEY,
        endpoint=endpoint,
        wait_interval=0.02,
        wait_timeout=10.0,
    )


@pytest.fixture
def http(sleeps: Sleeps) -> Iterator[HttpClient]:
    client = HttpClient(
        "fanyigou",
        HttpOptions(connect_timeout=5, read_timeout=10, retries=3, backoff=0.01, max_backoff=0.05),
    )
    client.sleep = sleeps
    yield client
    client.close()


@pytest.fixture
def client(settings: FanyigouSettings, http: HttpClient) -> FanyigouClient:
    return FanyigouClient(settings, http)


@pytest.fixture
def context(
    settings: FanyigouSettings, http: HttpClient, client: FanyigouClient
) -> ProviderContext[FanyigouSettings, FanyigouClient]:
    return ProviderContext(info=FANYIGOU, settings=settings, http=http, client=client)


# -- sample files ----------------------------------------------------------------------


class Samples:
    """Writes small input files of every kind into one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def text(self, name: str = "note.txt", text: str = "hello\nworld\n") -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def pdf(self, name: str = "report.pdf", pages: int = 3) -> Path:
        path = self.folder / name
        path.write_bytes(outputs.pdf([[f"page {n}"] for n in range(1, pages + 1)]))
        return path

    def docx(self, name: str = "letter.docx") -> Path:
        path = self.folder / name
        path.write_bytes(outputs.docx(["Dear reader,", "hello."]))
        return path

    def png(self, name: str = "sign.png", size: tuple[int, int] = (64, 32), ocr: str = "") -> Path:
        path = self.folder / name
        info = PngInfo()
        if ocr:
            info.add_text("ocr", ocr)
        Image.new("RGB", size, (255, 255, 255)).save(path, format="PNG", pnginfo=info)
        return path

    @staticmethod
    def md5(path: Path) -> str:
        return hashlib.md5(path.read_bytes()).hexdigest()

    @staticmethod
    def sha256(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def samples(tmp_path: Path) -> Samples:
    return Samples(tmp_path / "in")
