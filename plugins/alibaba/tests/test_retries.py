"""Alibaba's retries on the core's retry helper, counted at the emulator: an error the
HTTP layer already retried (a dropped connection, a 5xx proxy page) is not retried on
top; a throttled submit is sent again only within the window in which Alibaba
processes a repeated ``CustomTaskId`` once."""

from __future__ import annotations

from typing import Any

import pytest
from transhub.emulation import Fault
from transhub.errors import NotFoundError, RateLimitError, TransientError
from transhub.http import HttpClient, HttpOptions

from transhub_alibaba.client import DEDUPE_MARGIN, DEDUPE_WINDOW, POLL, SUBMIT, AlibabaClient
from transhub_alibaba.settings import AlibabaSettings

URLS = ["https://example.com/a.png"]


class FakeTime:
    """A monotonic clock that the recorded sleeps move forward."""

    def __init__(self) -> None:
        self.now = 0.0
        self.delays: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.now += seconds


def _client(retries: int, **options: Any) -> tuple[AlibabaClient, FakeTime]:
    http = HttpClient(
        "alibaba", HttpOptions(connect_timeout=5, read_timeout=10, retries=retries, **options)
    )
    fake = FakeTime()
    http.sleep, http.clock = fake.sleep, lambda: fake.now
    return AlibabaClient(AlibabaSettings(), http), fake


@pytest.mark.parametrize("fault", [Fault.DROP_BEFORE, Fault.ERROR])
def test_an_error_the_http_layer_retried_is_not_retried_again(service: Any, fault: Fault) -> None:
    client, fake = _client(retries=3)
    service.app.faults.queue(fault, action=SUBMIT, times=20)
    with pytest.raises(TransientError):
        client.submit(URLS, source="zh", target="en")
    assert service.app.faults.pending() == 20 - 4  # 1 + 3 retries, not 4 x 4
    assert len(fake.delays) == 3
    assert service.emulator.task_count() == 0


def test_a_throttled_submit_is_resent_only_within_the_custom_task_id_window(
    service: Any,
) -> None:
    service.options.throttle_retry_after = 40.0
    client, fake = _client(retries=10, max_backoff=100)
    service.app.faults.queue(Fault.THROTTLE, action=SUBMIT, times=20)
    with pytest.raises(RateLimitError):
        client.submit(URLS, source="zh", target="en")
    # Waits of 40-50 s: a fourth would start past 150 s (180 s less a 30 s margin).
    assert DEDUPE_WINDOW - DEDUPE_MARGIN == 150
    assert len(fake.delays) == 3 and sum(fake.delays) <= 150
    assert service.app.faults.pending() == 20 - 4
    # A poll starts nothing: its retries are not bounded by the window.
    service.app.faults.queue(Fault.THROTTLE, action=POLL, times=6)
    with pytest.raises(NotFoundError):  # the seventh request, answered: no such task
        client.result("no-such-task")
    assert service.app.faults.pending() == 16  # every throttled poll came, none left
    assert len(fake.delays) == 3 + 6


@pytest.mark.parametrize("fault", [Fault.DROP_AFTER, Fault.ERROR])
def test_the_http_layer_resends_a_submit_only_within_the_custom_task_id_window(
    service: Any, fault: Fault
) -> None:
    """The HTTP layer's own retries of a submit (a dropped answer, a 502) stop where
    a repeat would start past the window: a repeated CustomTaskId after it would be a
    second paid task.  With waits of 20-100 s, at most a few fit in 150 s."""
    client, fake = _client(retries=10, backoff=40, max_backoff=100)
    service.app.faults.queue(fault, action=SUBMIT, times=20)
    with pytest.raises(TransientError) as raised:
        client.submit(URLS, source="zh", target="en")
    sent = 20 - service.app.faults.pending()
    assert sent == len(fake.delays) + 1 < 11  # the HTTP layer stopped early
    assert sum(fake.delays) <= DEDUPE_WINDOW - DEDUPE_MARGIN
    # Not sent again on top, by the client's own retries either.
    assert raised.value.retries_spent or not raised.value.retryable
    # A dropped answer followed a processed submit: one task, whatever was resent.
    assert service.emulator.task_count() == (1 if fault is Fault.DROP_AFTER else 0)
