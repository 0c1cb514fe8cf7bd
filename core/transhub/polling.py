"""Waiting for remote tasks: poll with a growing interval, or wake on a callback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from transhub.capabilities.base import TaskStatus
from transhub.errors import Interrupted, TransientError

StatusT = TypeVar("StatusT", bound=TaskStatus)


#: The shortest wait between two status requests, whatever the estimate says.
MIN_WAIT = 0.2


def wait_for(
    fetch: Callable[[], StatusT],
    *,
    interval: float,
    max_interval: float,
    timeout: float,
    on_update: Callable[[StatusT], None] | None = None,
    wake: threading.Event | None = None,
    stop: threading.Event | None = None,
    fresh: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> StatusT:
    """Call ``fetch`` until it reports a final state, and return that status.

    The wait between calls starts at ``interval`` and grows by half each time up to
    ``max_interval`` — unless the provider reports a rising percent, in which case
    the next request is timed for when the task should be done (so a task is seen
    finished soon after it finishes, with few requests).  ``fresh`` says the task was
    just submitted: the first request waits ``interval`` and progress is measured
    from 0% now.  ``wake`` (a callback arrived) cuts a wait short.  ``on_update``
    sees every status whose state or percent changed.  After ``timeout`` seconds a
    :class:`TransientError` says the task is still running (it can be resumed later;
    nothing is lost).  When ``stop`` is set (Ctrl-C) the wait ends with
    :class:`Interrupted`; the task keeps running remotely.
    """
    start = clock()
    deadline = start + timeout
    delay = interval
    last: tuple[object, object] | None = None
    event = wake or threading.Event()
    baseline: tuple[float, float] | None = (start, 0.0) if fresh else None
    if fresh:
        _sleep(event, stop, min(interval, timeout), clock)
        event.clear()
    while True:
        if stop is not None and stop.is_set():
            raise Interrupted("interrupted while waiting; the task keeps running remotely")
        status = fetch()
        now = clock()
        key = (status.state, status.percent)
        if on_update is not None and key != last:
            on_update(status)
        last = key
        if status.state.is_final:
            return status
        remaining = deadline - now
        if remaining <= 0:
            said = f" ({status.message})" if status.message else ""
            raise TransientError(
                f"the task is still {status.state.value}{said} after {timeout:g}s; "
                "it keeps running remotely (see `transhub jobs resume`)"
            )
        wait = delay
        percent = status.percent
        if percent is not None and 0 < percent < 100:
            if baseline is not None and percent > baseline[1] and now > baseline[0]:
                rate = (percent - baseline[1]) / (now - baseline[0])
                eta = (100 - percent) / rate
                wait = min(max(eta * 1.05 + 0.05, MIN_WAIT), max_interval)
            elif baseline is None:
                baseline = (now, percent)
        _sleep(event, stop, min(wait, remaining), clock)
        event.clear()
        delay = min(delay * 1.5, max_interval)


def _sleep(
    wake: threading.Event, stop: threading.Event | None, seconds: float, clock: Callable[[], float]
) -> None:
    """Wait ``seconds`` unless ``wake`` or ``stop`` is set first.  With a ``stop``
    event the wait is taken in short slices so that either event ends it promptly."""
    if stop is None:
        wake.wait(seconds)
        return
    end = clock() + seconds
    while not (wake.is_set() or stop.is_set()):
        left = end - clock()
        if left <= 0:
            return
        wake.wait(min(left, 0.1))
