"""Waiting, as a core service for the runner and for plugins: polling a remote task
with a growing interval (:func:`wait_for`), and calling again while a provider answers
"busy" (:func:`retry_while_busy`) — saying so as a progress event (:func:`reporting_waits`).
No plugin has a poll loop of its own."""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from transhub.capabilities.base import TaskStatus
from transhub.errors import Interrupted, TranshubError, TransientError

StatusT = TypeVar("StatusT", bound=TaskStatus)
T = TypeVar("T")

#: Who hears that the current work waits (set by the runner around a job's steps).
_listener: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "transhub_wait_listener", default=None
)


#: Whether a busy answer is given up on at once (another provider can take the work).
_impatient: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "transhub_busy_fails_fast", default=False
)


@contextlib.contextmanager
def busy_fails_fast(enabled: bool = True) -> Iterator[None]:
    """Within the block (in this thread), :func:`retry_while_busy` gives up at the
    first busy answer instead of waiting: set by the fallback when another provider
    can take the work at once (see :mod:`transhub.jobs.fallback`)."""
    token = _impatient.set(enabled)
    try:
        yield
    finally:
        _impatient.reset(token)


@contextlib.contextmanager
def reporting_waits(listener: Callable[[str], None] | None) -> Iterator[None]:
    """Within the block (in this thread), :func:`retry_while_busy` tells ``listener``
    what it waits for."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def retry_while_busy(
    call: Callable[[], T],
    *,
    busy: type[TranshubError],
    interval: float,
    max_interval: float,
    timeout: float,
    what: str,
    gave_up: Callable[[TranshubError], TranshubError],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``call()``, called again while it raises ``busy`` — an answer by which the
    provider refused the request before starting anything (all its channels busy), so
    calling again cannot pay twice — waiting longer each time, up to ``timeout``; then
    ``gave_up(last error)`` is raised.  The first wait is reported once
    (``waiting for <what>``) to the listener of :func:`reporting_waits`.  Inside
    :func:`busy_fails_fast`, the first busy answer gives up at once."""
    deadline = clock() + (0.0 if _impatient.get() else timeout)
    delay = interval
    told = False
    while True:
        try:
            return call()
        except busy as exc:
            remaining = deadline - clock()
            if remaining <= 0:
                raise gave_up(exc) from None
            listener = _listener.get()
            if listener is not None and not told:
                listener(f"waiting for {what}")
                told = True
            sleep(min(delay, remaining))
            delay = min(delay * 1.5, max_interval)


#: The shortest wait between two status requests, whatever the estimate says — except
#: for the few requests timed for a task's estimated end (:data:`NEAR_WAITS`).
MIN_WAIT = 0.2
#: How far after its estimated end a task is asked about: the estimate's own error
#: (a fraction of it) and a request's latency.  A request that comes early costs one
#: more, soon after; one that comes late costs the whole lateness.
MARGIN, MARGIN_SHARE = 0.015, 0.01
#: A task is asked about at most this many times sooner than :data:`MIN_WAIT` after
#: the previous request (its last moments, when the estimate says it is finishing),
#: never sooner than :data:`NEAR_WAIT`; while the percent does not rise, the waits grow
#: from :data:`MIN_WAIT`: a percent that stalls at 99% never makes a stream of requests.
NEAR_WAITS, NEAR_WAIT = 3, 0.03


def wait_for(
    fetch: Callable[[], StatusT],
    *,
    interval: float,
    max_interval: float,
    timeout: float,
    on_update: Callable[[StatusT], None] | None = None,
    stop: threading.Event | None = None,
    fresh: bool = False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] | None = None,
) -> StatusT:
    """Call ``fetch`` until it reports a final state, and return that status.

    Requests go out ``interval``, 1.5×, 2.25×… that after the first (the waits grow
    by half, from half of ``interval`` after the first, up to ``max_interval``): a
    task is seen finished at most half its duration late, with a request count that
    grows with the logarithm of the duration — unless the provider reports a rising
    percent, in which case the next request is timed for when the task should be
    done, :data:`MARGIN` (and :data:`MARGIN_SHARE` of the estimate) after it (a far
    end in steps of at most three times the span measured), so a task is seen
    finished soon after it finishes, with few requests.  The rate is
    measured between two percents the provider reported once there are two (a
    fresh task's first estimate counts from 0% when it was submitted, which the
    request's own latency skews).
    ``fresh`` says the task was just submitted: the first request waits ``interval``
    and progress is measured from 0% now.  ``on_update``
    sees every status whose state or percent changed.  After ``timeout`` seconds a
    :class:`TransientError` says the task is still running (it can be resumed later;
    nothing is lost).  When ``stop`` is set (Ctrl-C) the wait ends with
    :class:`Interrupted`; the task keeps running remotely.  ``clock`` and ``sleep``
    are injectable (tests).
    """

    def pause(seconds: float) -> None:
        if sleep is not None:
            sleep(seconds)
        else:
            _sleep(stop, seconds, clock)

    start = clock()
    deadline = start + timeout
    schedule = _Schedule(start, interval, max_interval, fresh)
    last: tuple[object, object] | None = None
    if fresh:
        pause(min(interval, timeout))
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
        wait = schedule.next(now, status.percent)
        # Timed from the answer: the listener's journal write is not added to the wait.
        pause(max(0.0, min(wait, remaining) - (clock() - now)))


class _Schedule:
    """The waits of :func:`wait_for` between status requests."""

    def __init__(self, start: float, interval: float, max_interval: float, fresh: bool) -> None:
        self.interval = interval
        self.max_interval = max_interval
        # After the first wait of ``interval`` (before the first request of a fresh
        # task), the waits restart at half of it and grow by half.
        self.delay = interval / 2 if fresh else interval
        self.halved = fresh
        #: Where the rate is measured from: a fresh task's submission (0%), replaced
        #: by the first percent reported.
        self.baseline: tuple[float, float] | None = (start, 0.0) if fresh else None
        self.reported = False
        self.near = NEAR_WAITS
        self.previous = -1.0
        self.stalled = 0.0

    def next(self, now: float, percent: float | None) -> float:
        """The wait before the next request, after an answer at ``now``."""
        wait = self.delay
        if percent is not None and 0 < percent < 100:
            wait = self._estimated(now, percent, wait)
        # Geometric request times (see above); the old schedule (waits of 1, 1.5,
        # 2.25… s) saw a 1.5 s task only at 2.5 s, each wave of a batch that late.
        self.delay = min(self.delay * 1.5 if self.halved else self.interval / 2, self.max_interval)
        self.halved = True
        return wait

    def _estimated(self, now: float, percent: float, wait: float) -> float:
        baseline = self.baseline
        if baseline is not None and percent > baseline[1] and now > baseline[0]:
            rate = (percent - baseline[1]) / (now - baseline[0])
            eta = (100 - percent) / rate
            # A far end is aimed at in steps (at most 3× the span measured so far): a
            # rate measured over one second, extrapolated over minutes, is off.
            wait = min(eta * (1 + MARGIN_SHARE) + MARGIN, 3 * (now - baseline[0]))
            if wait < MIN_WAIT:
                if self.near > 0:  # the task's last moments (see NEAR_WAITS)
                    self.near -= 1
                    wait = max(wait, NEAR_WAIT)
                else:
                    wait = MIN_WAIT
            wait = min(wait, self.max_interval)
        if percent <= self.previous:
            # Stalled (a provider may sit at 99% while it builds the file): waits from
            # MIN_WAIT, growing by half while it stays stalled.
            self.stalled = min(self.stalled * 1.5 if self.stalled else MIN_WAIT, self.max_interval)
            wait = max(wait, self.stalled)
        else:
            self.stalled = 0.0
        self.previous = percent
        if not self.reported:
            self.baseline = (now, percent)  # between reported percents from now on
            self.reported = True
        return wait


def _sleep(stop: threading.Event | None, seconds: float, clock: Callable[[], float]) -> None:
    """Wait ``seconds`` unless ``stop`` is set first (then at once)."""
    if stop is None:
        time.sleep(seconds)
        return
    if clock is time.monotonic:
        # Event.wait returns as soon as ``stop`` is set: one wake-up per wait, where
        # slices would wake each of a batch's waiting threads ten times a second.
        stop.wait(seconds)
        return
    end = clock() + seconds  # an injected clock (tests) is watched in slices
    while not stop.is_set():
        left = end - clock()
        if left <= 0:
            return
        stop.wait(min(left, 0.1))
