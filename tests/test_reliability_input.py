"""Bad input against the real provider plugins (issue 7, "Bad input").

Each case: one line on stderr that names the input, the problem and the limit; the
documented exit code (``docs/exit-codes.md``); and **zero requests** — every HTTP
request reaching either emulator is counted, not only those its service logged.

Two rules of the issue have no case here, on purpose:

* *image aspect ratio ≥ 10:1 for Alibaba*: Alibaba takes public URLs only, so transhub
  never sees the pixels and cannot check the ratio before sending (the service judges
  it).  Fanyigou declares no ratio limit.  The rule itself (a provider's declared
  ``max_aspect_ratio``) is checked before sending in ``tests/test_bad_input.py``.
* *more images in one call than allowed where the provider cannot split*: both real
  providers can — Fanyigou takes one image per task and the core splits Alibaba's
  batches into tasks of 20 (``test_reliability_faults`` runs 60 URLs as three tasks).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from transhub.emulation import EmulatorServer
from transhub.errors import EXIT_CODES
from transhub.testing import CliResult, invoke, make_image

from transhub_alibaba.emulator import create_emulator
from transhub_alibaba.sandbox import environment as alibaba_environment
from transhub_fanyigou.emulator import EmulatorOptions, FanyigouEmulator
from transhub_fanyigou.sandbox import environment as fanyigou_environment


class Counted:
    """WSGI middleware counting every request that reaches a server, whatever the
    emulator behind it does with it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            self.requests += 1
        return self.app(environ, start_response)


@dataclass
class Services:
    fanyigou: FanyigouEmulator
    alibaba: Any
    counters: tuple[Counted, Counted]
    urls: tuple[str, str]

    def requests(self) -> int:
        """Requests received by either emulator (and logged by either service)."""
        return (
            sum(c.requests for c in self.counters) + len(self.fanyigou.log) + len(self.alibaba.log)
        )


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """Both emulators on loopback, both plugins pointed at them and configured."""
    fanyigou = FanyigouEmulator(EmulatorOptions(task_seconds=0.05))
    alibaba = create_emulator()
    counters = (Counted(fanyigou), Counted(alibaba))
    with EmulatorServer(counters[0]) as f_server, EmulatorServer(counters[1]) as a_server:
        for key, value in {
            **fanyigou_environment(f_server.url),
            **alibaba_environment(a_server.url),
        }.items():
            monkeypatch.setenv(key, value)
        yield Services(fanyigou, alibaba, counters, (f_server.url, a_server.url))
    fanyigou.close()


def refused(result: CliResult, kind: str) -> str:
    """The one error line of a refused command, checked for its exit code."""
    assert result.exit_code == EXIT_CODES[kind], (result.exit_code, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("transhub: error: "), lines[0]
    return lines[0]


# -- inputs -----------------------------------------------------------------------------


def _text(folder: Path, name: str = "note.txt", content: str = "hello\n") -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``size`` bytes without writing them (a sparse file)."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def _locked_pdf(folder: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    path = folder / "locked.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def _folder(folder: Path) -> Path:
    path = folder / "scans"
    path.mkdir()
    return path


MB = 1024 * 1024
URL = "https://img.example.com/shop/label.jpg"
Argv = Callable[[Path], list[str]]


def doc(make: Callable[[Path], Path], *extra: str) -> Argv:
    return lambda d: [
        "doc",
        "translate",
        str(make(d)),
        "--to",
        "zh",
        "--provider",
        "fanyigou",
        *extra,
    ]


def image(make: Callable[[Path], Path], provider: str = "fanyigou", *extra: str) -> Argv:
    return lambda d: [
        "image",
        "translate",
        str(make(d)),
        "--to",
        "zh",
        "--provider",
        provider,
        *extra,
    ]


def url(address: str, *languages: str) -> Argv:
    chosen = list(languages) or ["--to", "en"]
    return lambda d: ["image", "translate", address, *chosen, "--provider", "alibaba"]


CASES: list[tuple[str, Argv, list[str]]] = [
    ("missing path", doc(lambda d: d / "missing.txt"), ["missing.txt: no such file"]),
    (
        "folder where a file is required",
        lambda d: ["ocr", str(_folder(d)), "--provider", "fanyigou"],
        ["scans: is a folder; a file is required here"],
    ),
    ("empty file", doc(lambda d: _text(d, "empty.txt", "")), ["empty.txt: is empty"]),
    (
        "unsupported extension",
        doc(lambda d: _text(d, "plan.dwg")),
        ["plan.dwg: file type .dwg is not accepted by fanyigou (accepted: ", "docx, ", "txt"],
    ),
    (
        "text named .pdf",
        doc(lambda d: _text(d, "report.pdf")),
        ["report.pdf: is named .pdf but its content is not a PDF document (it looks like text)"],
    ),
    (
        "text named .png",
        image(lambda d: _text(d, "sign.png")),
        ["sign.png: is named .png but its content is not a PNG image (it looks like text)"],
    ),
    (
        "document over 50 MB",
        doc(lambda d: _sparse(d / "huge.txt", 50 * MB + 1)),
        ["huge.txt: is 50.0 MB, over fanyigou's limit of 50 MB"],
    ),
    (
        "image over 4 MB",
        image(lambda d: _sparse(d / "poster.png", 4 * MB + 1, b"\x89PNG\r\n\x1a\n")),
        ["poster.png: is 4.0 MB, over fanyigou's limit of 4 MB"],
    ),
    (
        "image under 15 px",
        image(lambda d: make_image(d / "icon.png", 10, 10)),
        ["icon.png: is 10×10 px; fanyigou accepts 15×15 to 2048×2048 px"],
    ),
    (
        "image over 2048 px",
        image(lambda d: make_image(d / "banner.png", 2049, 20)),
        ["banner.png: is 2049×20 px; fanyigou accepts 15×15 to 2048×2048 px"],
    ),
    (
        "password-protected PDF",
        doc(_locked_pdf),
        ["locked.pdf: is password-protected; fanyigou does not accept encrypted files"],
    ),
    (
        "word over 15 characters",
        lambda d: ["dict", "a" * 16, "--provider", "fanyigou"],
        ["'aaaaaaaaaaaaaaaa' is 16 characters; fanyigou's dictionary takes 1 to 15"],
    ),
    (
        "text over 2000 characters",
        lambda d: ["text", "x" * 2001, "--from", "en", "--to", "zh", "--provider", "fanyigou"],
        ["the text is 2001 characters, over fanyigou's limit of 2000 (spaces count)"],
    ),
    (
        "unknown language (fanyigou)",
        lambda d: ["doc", "translate", str(_text(d)), "--to", "xx", "--provider", "fanyigou"],
        ["unknown language code 'xx'", "transhub languages"],
    ),
    ("unknown language (alibaba)", url(URL, "--to", "xx"), ["unknown language code 'xx'"]),
    (
        "unsupported pair (fanyigou text)",
        lambda d: ["text", "hello", "--from", "en", "--to", "ja", "--provider", "fanyigou"],
        ["fanyigou cannot translate into Japanese (ja)"],
    ),
    (
        "unsupported pair (alibaba images)",
        url(URL, "--from", "fr", "--to", "de"),
        ["alibaba does not translate fr → de", "transhub languages --provider alibaba"],
    ),
    (
        "target auto (fanyigou)",
        lambda d: ["doc", "translate", str(_text(d)), "--to", "auto", "--provider", "fanyigou"],
        ["the target language cannot be 'auto'"],
    ),
    ("target auto (alibaba)", url(URL, "--to", "auto"), ["the target language cannot be 'auto'"]),
    (
        "source needed (alibaba into Chinese)",
        url(URL, "--to", "zh"),
        ["alibaba needs the source language for a translation into Chinese (Simplified) (zh)"],
    ),
    (
        "local path to a URL-only provider",
        image(lambda d: make_image(d / "photo.png", 100, 100), "alibaba"),
        ["photo.png: alibaba takes public URLs only, not local files; use --provider fanyigou"],
    ),
    *[
        (
            f"files and URLs in one batch ({given})",
            lambda d, languages=languages: [
                "image",
                "translate",
                str(make_image(d / "ok.png", 100, 100)),
                URL,
                *languages,
            ],
            [
                "this batch mixes local files (",
                f"ok.png) and URLs ({URL})",
                "no provider takes both (fanyigou: local files only;",
                "alibaba: URLs only",
                "separate runs",
            ],
        )
        for given, languages in (
            ("with --from", ("--from", "zh", "--to", "en")),
            ("without --from", ("--to", "en")),
        )
    ],
    (
        "ftp URL",
        url("ftp://img.example.com/a.jpg"),
        ["ftp://img.example.com/a.jpg: only http:// and https:// URLs are accepted"],
    ),
    (
        "file URL",
        url("file:///etc/passwd"),
        ["file:///etc/passwd: only http:// and https:// URLs are accepted"],
    ),
    (
        "URL the service cannot carry",
        url("https://img.example.com/a,b.jpg"),
        ["holds a comma", "percent-encode it as %2C"],
    ),
]


@pytest.mark.parametrize(("argv", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_before_any_request(
    services: Services, tmp_path: Path, argv: Argv, expected: list[str]
) -> None:
    line = refused(invoke(argv(tmp_path)), "input")
    for words in expected:
        assert words in line, line
    assert services.requests() == 0


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_document_is_refused_before_any_request(
    services: Services, tmp_path: Path
) -> None:
    path = _text(tmp_path, "secret.txt")
    path.chmod(0)
    line = refused(invoke(doc(lambda _: path)(tmp_path)), "input")
    assert "secret.txt: cannot be read (permission denied)" in line
    assert services.requests() == 0


@pytest.mark.parametrize(
    ("argv", "variable", "named"),
    [
        (
            ["account", "--provider", "fanyigou"],
            "TRANSHUB_FANYIGOU_PRIVATE_KEY",
            [
                "fanyigou is not configured: set the credentials with "
                "`transhub config set fanyigou.private_key VALUE` "
                "(or TRANSHUB_FANYIGOU_PRIVATE_KEY)",
                "transhub --sandbox",
            ],
        ),
        (
            ["image", "translate", URL, "--to", "en", "--provider", "alibaba"],
            "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET",
            [
                "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET (or ALIBABA_CLOUD_ACCESS_KEY_SECRET)",
                "`transhub config set alibaba.access_key_secret VALUE`",
            ],
        ),
    ],
    ids=["fanyigou", "alibaba"],
)
def test_missing_credentials_name_the_setting(
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    variable: str,
    named: list[str],
) -> None:
    monkeypatch.delenv(variable)
    line = refused(invoke(argv), "configuration")
    for words in named:
        assert words in line, line
    assert services.requests() == 0


def _off_loopback(server_url: str) -> str:
    """The emulator's address written as ``127.1``: it still reaches this machine (the
    resolver expands it to 127.0.0.1), but it is not a literal loopback address, so
    transhub must treat it as any other host — refused over plain http:// unless
    ``--insecure``.  The test stays on loopback."""
    return server_url.replace("127.0.0.1", "127.1")


ENDPOINTS = {
    "fanyigou": (
        "TRANSHUB_FANYIGOU_ENDPOINT",
        lambda s: _off_loopback(fanyigou_environment(s.urls[0])["TRANSHUB_FANYIGOU_ENDPOINT"]),
        ["account", "--provider", "fanyigou"],
    ),
    "alibaba": (
        "TRANSHUB_ALIBABA_ENDPOINT",
        lambda s: _off_loopback(s.urls[1]),
        ["image", "translate", URL, "--to", "en", "--provider", "alibaba", "-o", "out"],
    ),
}


@pytest.mark.parametrize("provider", sorted(ENDPOINTS))
def test_plain_http_endpoint_off_loopback_is_refused(
    services: Services, monkeypatch: pytest.MonkeyPatch, provider: str
) -> None:
    variable, endpoint, argv = ENDPOINTS[provider]
    monkeypatch.setenv(variable, endpoint(services))
    line = refused(invoke(argv), "configuration")
    assert f"{variable} is plain http:// on a non-loopback host (127.1)" in line
    assert "--insecure" in line
    assert services.requests() == 0


@pytest.mark.parametrize(
    "provider",
    [
        "fanyigou",
        "alibaba",
    ],
)
def test_insecure_lets_a_plain_http_endpoint_through(
    services: Services, monkeypatch: pytest.MonkeyPatch, provider: str
) -> None:
    variable, endpoint, argv = ENDPOINTS[provider]
    monkeypatch.setenv(variable, endpoint(services))
    result = invoke(["--insecure", *argv])
    assert result.exit_code == 0, result.stderr
    assert services.requests() > 0
