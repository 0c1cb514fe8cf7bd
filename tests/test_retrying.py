"""The retry policy's delays: Retry-After and the headers providers declare instead
(with their unit), jitter that never waits less than asked, and the cap."""

from __future__ import annotations

import pytest
from transhub.emulation import EmulatorServer
from transhub.http import HttpClient, HttpOptions, RetryAfterHeader
from transhub.retrying import RETRY_AFTER_JITTER, parse_retry_after, retry_after
from werkzeug.wrappers import Response

MILLISECONDS = RetryAfterHeader("x-acs-retry-after", unit=0.001)


def test_a_header_in_milliseconds() -> None:
    assert parse_retry_after("250", unit=0.001) == pytest.approx(0.25)
    assert parse_retry_after("soon", unit=0.001) is None
    # An HTTP date is a Retry-After form only, not a number of milliseconds.
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", unit=0.001) is None
    assert parse_retry_after("-5", unit=0.001) is None


def test_a_declared_header_wins_and_retry_after_stays_honoured() -> None:
    both = {"x-acs-retry-after": "200", "Retry-After": "5"}
    assert retry_after(both, [MILLISECONDS]) == pytest.approx(0.2)
    assert retry_after({"Retry-After": "5"}, [MILLISECONDS]) == 5.0
    assert retry_after({"x-acs-retry-after": "junk", "Retry-After": "2"}, [MILLISECONDS]) == 2.0
    assert retry_after({"x-acs-retry-after": "200"}) is None  # not declared: not read
    assert retry_after({}, [MILLISECONDS]) is None


def test_a_requested_delay_is_jittered_upwards_and_capped() -> None:
    options = HttpOptions(max_backoff=30)
    delays = [options.delay(0, 1.0) for _ in range(200)]
    assert all(1.0 <= d <= RETRY_AFTER_JITTER for d in delays)
    assert len(set(delays)) > 1  # spread: throttled tasks do not all come back at once
    assert options.delay(0, 3600) == 30
    assert options.delay(0, 0.0) == 0.0


def test_the_http_layer_reads_the_declared_header() -> None:
    """A 429 with the delay in milliseconds only, then success: one wait, as long as asked."""
    answers = iter([429, 200])

    def app(environ, start_response):
        status = next(answers)
        headers = {"x-acs-retry-after": "400"} if status == 429 else {}
        return Response("{}", status=status, headers=headers)(environ, start_response)

    with EmulatorServer(app) as server:
        client = HttpClient("x", HttpOptions(retries=2))
        client.declare_retry_after(MILLISECONDS)
        sleeps: list[float] = []
        client.sleep = sleeps.append
        response = client.request("GET", server.url + "/", idempotent=True)
    assert response.status_code == 200
    assert len(sleeps) == 1 and 0.4 <= sleeps[0] <= 0.4 * RETRY_AFTER_JITTER


def test_call_with_retries_never_retries_what_the_http_layer_already_retried() -> None:
    from transhub.errors import RateLimitError, TransientError
    from transhub.retrying import call_with_retries, spent

    calls: list[int] = []

    def network_down() -> None:
        calls.append(1)
        raise spent(TransientError("x: connection failed", retryable=True))

    with pytest.raises(TransientError):
        call_with_retries(network_down, HttpOptions(retries=4), sleep=lambda _s: None)
    assert len(calls) == 1
    # The same error unmarked is retried the whole budget, honouring retry_after.
    waits: list[float] = []

    def slow_down() -> str:
        calls.append(1)
        if len(calls) < 4:
            raise RateLimitError("x: slow down", retry_after=2.0)
        return "done"

    assert call_with_retries(slow_down, HttpOptions(retries=4), sleep=waits.append) == "done"
    assert len(calls) == 4 and len(waits) == 2
    assert all(2.0 <= w <= 2.0 * RETRY_AFTER_JITTER for w in waits)


def test_call_with_retries_starts_no_retry_past_its_window() -> None:
    from transhub.errors import RateLimitError
    from transhub.retrying import call_with_retries

    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    def busy() -> None:
        raise RateLimitError("x: slow down", retry_after=10.0)

    with pytest.raises(RateLimitError):
        call_with_retries(
            busy, HttpOptions(retries=100), sleep=sleep, within=28.0, clock=lambda: now[0]
        )
    # Waits of 10-12.5 s: a third would start after 30 s at the earliest.
    assert len(waits) == 2 and sum(waits) <= 28.0


def test_a_body_cut_short_is_fetched_anew_by_the_retry_helper(tmp_path) -> None:
    """``fetch`` re-opens the stream through ``call_with_retries(retry=cut_short)``:
    the server sees one request per attempt, and the file is whole."""
    from transhub.emulation import Fault, FaultInjector, Faults
    from transhub.errors import IncompleteDownloadError

    body = b"0123456789" * 1000
    served: list[int] = []

    def app(environ, start_response):
        served.append(1)
        return Response(body)(environ, start_response)

    faults = Faults()
    faults.queue(Fault.DROP_AFTER, times=2)  # half the body, then the connection drops
    with EmulatorServer(
        FaultInjector(app, faults, action_of=lambda _e: "r", throttle=app)
    ) as server:
        client = HttpClient("x", HttpOptions(retries=4))
        client.sleep = lambda _s: None
        saved = client.fetch(server.url + "/r", tmp_path / "r.bin")
        assert saved.path.read_bytes() == body and len(served) == 3
        served.clear()
        faults.queue(Fault.DROP_AFTER, times=5)
        client.options = HttpOptions(retries=1)
        with pytest.raises(IncompleteDownloadError):
            client.fetch(server.url + "/r", tmp_path / "s.bin")
        assert len(served) == 2 and not (tmp_path / "s.bin").exists()
