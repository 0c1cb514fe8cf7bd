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
