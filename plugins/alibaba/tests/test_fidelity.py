"""What strict servers showed about the Alibaba plugin: image URLs are sent as valid
RFC 3986 URIs (the service answers 103 for a raw one, and so does the emulator), a
URL that cannot be made valid is refused before anything is sent, and throttling
waits as long as the gateway's ``x-acs-retry-after`` (milliseconds) says."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import requests
from transhub.emulation import EmulatorServer, Fault, FaultInjector
from transhub.errors import EXIT_CODES, InputError, ProviderError
from transhub.testing import CliResult, invoke

from transhub_alibaba.client import POLL, SUBMIT, AlibabaClient
from transhub_alibaba.emulator import action_of

Client = Callable[..., AlibabaClient]


def translate(*args: str) -> CliResult:
    return invoke(["image", "translate", *args, "--to", "en", "--provider", "alibaba"])


# -- URLs ------------------------------------------------------------------------------

ENCODED = [
    # Chinese path segments (the issue's example)
    ("https://img.example.com/商品/1.png", "https://img.example.com/%E5%95%86%E5%93%81/1.png"),
    # spaces
    ("https://img.example.com/my photo.png", "https://img.example.com/my%20photo.png"),
    # already encoded: sent as it is, never encoded twice
    ("https://img.example.com/a%20b.png", "https://img.example.com/a%20b.png"),
    (
        "https://img.example.com/%E5%95%86%E5%93%81/2.png",
        "https://img.example.com/%E5%95%86%E5%93%81/2.png",
    ),
    # half encoded
    (
        "https://img.example.com/商品%20图/3.png",
        "https://img.example.com/%E5%95%86%E5%93%81%20%E5%9B%BE/3.png",
    ),
    # a % that is not an escape stands for itself
    ("https://img.example.com/100%.png", "https://img.example.com/100%25.png"),
    # query strings: their separators kept, their text encoded
    (
        "https://img.example.com/i.png?name=商品 1&size=800",
        "https://img.example.com/i.png?name=%E5%95%86%E5%93%81%201&size=800",
    ),
    # a host name in Chinese: its IDNA form
    ("https://例子.中国/1.png", "https://xn--fsqu00a.xn--fiqs8s/1.png"),
]


@pytest.mark.parametrize(("given", "sent"), ENCODED)
def test_each_url_is_sent_percent_encoded(
    given: str, sent: str, service: Any, tmp_path: Path
) -> None:
    result = translate(given, "-o", "out")
    assert result.exit_code == 0, result.stderr
    [submitted] = service.app.log.records(SUBMIT)
    assert submitted.fields["ImageUrls"] == sent
    [saved] = (tmp_path / "out").iterdir()
    assert saved.read_bytes().startswith(b"\x89PNG")


def test_the_issue_example_translates_both_images(service: Any, tmp_path: Path) -> None:
    result = translate(
        "https://img.example.com/商品/1.png", "https://img.example.com/ok/2.png", "-o", "out"
    )
    assert result.exit_code == 0, result.stderr
    assert len(list((tmp_path / "out").iterdir())) == 2
    assert service.emulator.task_count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        "https://img.example.com/商品/1.png",
        "https://img.example.com/my photo.png",
        "https://img.example.com/100%.png",
    ],
)
def test_the_service_answers_103_for_a_raw_url(raw: str, service: Any, make_client: Client) -> None:
    # Past the client's encoding: the signed request carries the URL as typed.
    with pytest.raises(ProviderError) as caught:
        make_client()._call(
            SUBMIT, {"ImageUrls": raw, "SourceLanguage": "zh", "TargetLanguage": "en"}
        )
    assert caught.value.code == 103
    assert "System.UrlDecodingError" in str(caught.value)
    assert service.emulator.task_count() == 0


UNFIXABLE = [
    ("https://exa mple.com/1.png", "invalid host"),
    ("https://img.example.com:99999/1.png", "invalid port"),
    ("https://img.example.com/a\nb.png", "control character"),
    ("https://[fe80::zz]/1.png", "not a valid URL"),
]


@pytest.mark.parametrize(("url", "problem"), UNFIXABLE)
def test_a_url_that_cannot_be_made_valid_is_refused_before_sending(
    url: str, problem: str, service: Any
) -> None:
    good = [f"https://img.example.com/p{n:02d}.png" for n in range(25)]
    result = translate(*good, url)  # two tasks' worth: the refusal comes before either
    assert result.exit_code == EXIT_CODES["input"]
    [line] = result.stderr.strip().splitlines()
    assert problem in line
    assert (url if url.isprintable() else repr(url)) in line
    assert "Traceback" not in result.stderr
    assert len(service.app.log) == 0


def test_the_client_refuses_it_too(service: Any, make_client: Client) -> None:
    with pytest.raises(InputError, match="invalid host"):
        make_client().submit(["https://exa mple.com/1.png"], source="zh", target="en")
    assert len(service.app.log) == 0


# -- throttling --------------------------------------------------------------------------


def test_the_gateway_names_its_delay_in_milliseconds(service: Any) -> None:
    service.options.throttle_retry_after = 0.25
    service.app.faults.queue(Fault.THROTTLE, action=POLL)
    answer = requests.post(
        service.url + "/", headers={"x-acs-action": POLL}, data=b"TaskId=X", timeout=10
    )
    assert (answer.status_code, answer.json()["Code"]) == (400, "Throttling.User")
    assert answer.headers["x-acs-retry-after"] == "250"
    assert "Retry-After" not in answer.headers


def test_x_acs_retry_after_is_waited_with_jitter(
    service: Any, make_client: Client, sleeps: Any
) -> None:
    service.options.throttle_retry_after = 0.4
    service.app.faults.queue(Fault.THROTTLE, action=SUBMIT, times=2)
    make_client().submit(["https://img.example.com/1.png"], source="zh", target="en")
    assert len(sleeps.delays) == 2
    assert all(0.4 <= delay <= 0.4 * 1.25 for delay in sleeps.delays)
    assert service.emulator.task_count() == 1


def test_a_long_gateway_delay_is_capped(service: Any, make_client: Client, sleeps: Any) -> None:
    service.options.throttle_retry_after = 3600.0
    service.app.faults.queue(Fault.THROTTLE, action=SUBMIT)
    client = make_client()
    client.submit(["https://img.example.com/1.png"], source="zh", target="en")
    assert sleeps.delays == [client.http.options.max_backoff]


def test_retry_after_is_still_honoured(
    service: Any, make_client: Client, sleeps: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gateway (or a proxy in front of it) that sends the standard header only."""

    def standard(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(
            "429 Too Many Requests",
            [("Content-Type", "application/json"), ("Retry-After", "0.3")],
        )
        return [b'{"Code": "Throttling.User", "Message": "slow down", "RequestId": "R"}']

    faults = service.app.faults
    front = FaultInjector(service.emulator, faults, action_of=action_of, throttle=standard)
    with EmulatorServer(front) as server:
        monkeypatch.setenv("TRANSHUB_ALIBABA_ENDPOINT", server.url)
        faults.queue(Fault.THROTTLE, action=SUBMIT, times=2)
        make_client().submit(["https://img.example.com/1.png"], source="zh", target="en")
    assert len(sleeps.delays) == 2
    assert all(0.3 <= delay <= 0.3 * 1.25 for delay in sleeps.delays)
