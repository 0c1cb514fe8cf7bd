"""What transhub says about paid work, as the reference has it: an upload answered 502
or 503 may have started a task (and the journal agrees), and a failed task names the
provider's status code.  Through the real CLI, against the emulator."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from transhub import Hub
from transhub.emulation import EmulatorServer
from transhub.errors import EXIT_CODES, TransientError
from transhub.testing import CliResult, invoke

from transhub_fanyigou import codes
from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.emulator import BASE_PATH, FanyigouEmulator
from transhub_fanyigou.emulator import facts as reference

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ProxyAfter:
    """A gateway in front of the emulator that lets the service process a call, then
    answers the client with an HTTP error instead of the service's answer — what a
    proxy that gave up waiting does after the service has started the task."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def fail(self, call: str, status: int) -> None:
        """Answer the next ``call`` with ``status`` once the service has processed it."""
        with self._lock:
            self.failures[call] = status

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        call = str(environ.get("PATH_INFO", "")).removeprefix(BASE_PATH).strip("/")
        with self._lock:
            status = self.failures.pop(call, None)
        if status is None:
            return self.app(environ, start_response)
        answer = self.app(environ, lambda *args, **kwargs: None)
        for _ in answer:  # the service processes the whole call
            pass
        reason = {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Error")
        page = f"<html><body><h1>{status} {reason}</h1></body></html>".encode()
        start_response(f"{status} {reason}", [("Content-Type", "text/html")])
        return [page]


@pytest.fixture
def proxy(emulator: FanyigouEmulator) -> ProxyAfter:
    return ProxyAfter(emulator)


@pytest.fixture
def server(proxy: ProxyAfter) -> Iterator[EmulatorServer]:
    with EmulatorServer(proxy) as running:
        yield running


@pytest.fixture(autouse=True)
def configured(cli_environment: dict[str, str]) -> None:
    """The CLI points at the proxy in front of the emulator."""


def translate(path: Path) -> CliResult:
    return invoke(["doc", "translate", str(path), "--to", "zh", "--provider", "fanyigou"])


# -- an upload answered 502/503 --------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503])
def test_an_upload_answered_5xx_may_have_started_the_task(
    status: int, proxy: ProxyAfter, emulator: FanyigouEmulator, samples: Any
) -> None:
    proxy.fail("uploadTranslate", status)
    result = translate(samples.text())
    assert result.exit_code == EXIT_CODES["transient"]
    [line] = result.stderr.strip().splitlines()
    assert f"uploadTranslate answered HTTP {status}" in line
    assert "may have reached the provider: not retried" in line
    assert "may have been submitted" in line
    assert "transhub jobs resume" in line and "--resubmit" in line
    # The service did start it, once; transhub did not send it again.
    assert len(emulator.service.tasks) == 1
    assert emulator.log.count("uploadTranslate") == 1
    # The journal says what the message said, and resuming does not guess.
    [job] = Hub().journal.jobs()
    assert job.may_have_been_submitted and job.error == line.removeprefix("transhub: error: ")
    listed = invoke(["jobs", "list"])
    assert "may have been submitted" in listed.stdout
    resumed = invoke(["jobs", "resume"])
    assert resumed.exit_code != 0 and "--resubmit" in resumed.stderr
    assert emulator.log.count("uploadTranslate") == 1


@pytest.mark.parametrize(
    ("call", "send"),
    [
        ("convert", lambda c, s: c.convert(s.pdf(), "word", None)),
        ("image/uploadTranslateImage", lambda c, s: c.upload_translate_image(s.png(), "en", "zh")),
    ],
)
def test_every_upload_that_starts_a_task_says_so_after_a_5xx(
    call: str,
    send: Callable[[FanyigouClient, Any], str],
    proxy: ProxyAfter,
    client: FanyigouClient,
    samples: Any,
) -> None:
    proxy.fail(call, 503)
    with pytest.raises(TransientError) as caught:
        send(client, samples)
    assert not caught.value.retryable
    assert "may have been submitted" in str(caught.value)
    assert "--resubmit" in str(caught.value)


def test_a_text_answered_5xx_is_not_resent_and_names_no_job(
    proxy: ProxyAfter, client: FanyigouClient, emulator: FanyigouEmulator
) -> None:
    proxy.fail("trans", 502)
    with pytest.raises(TransientError, match="may have reached the provider") as caught:
        client.trans("hello", "zh", "en")
    assert not caught.value.retryable
    assert "jobs" not in str(caught.value)  # a text translation is not a journalled job
    assert emulator.log.count("trans") == 1


def test_a_query_answered_5xx_is_retried(
    proxy: ProxyAfter, client: FanyigouClient, samples: Any
) -> None:
    task_id = client.upload_translate_image(samples.png(), "en", "zh")
    proxy.fail("image/queryImageTransProgress", 502)
    assert client.query_image_progress(task_id).status is not None


# -- a failed task names its status code -----------------------------------------------


@pytest.mark.parametrize("code", [305, 306, 307, 309, 316, 317, 321, 327, 328, 329])
def test_a_failed_task_names_the_status_code(
    code: int, emulator: FanyigouEmulator, samples: Any
) -> None:
    emulator.service.end_next_task_with(code)
    result = translate(samples.text())
    assert result.exit_code == EXIT_CODES["job-failed"]
    # "failed: the document is damaged (307 文档损坏)": the meaning, the code and the
    # service's own words (the emulator's copy of the reference's text).
    expected = f"failed: {codes.describe(code)} ({code} {reference.STATUS_TEXT[code]})"
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_damaged_document_message_reads_as_the_docs_promise(
    emulator: FanyigouEmulator, samples: Any
) -> None:
    emulator.service.end_next_task_with(307)
    result = translate(samples.text())
    assert "failed: the document is damaged (307 文档损坏)" in result.stderr
    # The journal records what the message said.
    [job] = Hub().journal.jobs()
    assert job.error == "the document is damaged (307 文档损坏)"
    shown = invoke(["jobs", "show", job.id])
    assert "the document is damaged (307 文档损坏)" in shown.stdout
