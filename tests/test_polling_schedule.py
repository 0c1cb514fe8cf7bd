"""When :func:`transhub.polling.wait_for` asks about a task: soon after the task ends
when the provider reports a rising percent, with few requests, and never a stream of
requests when the percent stalls (issue 15: a channel was handed on ~85 ms late).

A simulated task on an injected clock: each request is answered as a provider would,
its percent measured on the provider's side ``latency`` before the client reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from transhub.capabilities.base import TaskState, TaskStatus
from transhub.polling import MIN_WAIT, NEAR_WAIT, NEAR_WAITS, wait_for


@dataclass
class Task:
    """A task that runs ``duration`` seconds from ``started`` (client time), whose
    percent rises linearly (to 100% at ``rise`` seconds, the duration unless given)
    up to ``cap``, then stays there until it ends."""

    duration: float
    started: float = 0.0
    rise: float | None = None
    latency: float = 0.005
    cap: float = 99.0
    now: float = 0.0
    requests: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds

    def fetch(self) -> TaskStatus:
        self.requests.append(self.now)
        measured = self.now + self.latency  # the provider answers one way later
        self.now += 2 * self.latency
        elapsed = measured - self.started
        if elapsed >= self.duration:
            return TaskStatus(state=TaskState.DONE, percent=100.0)
        percent = min(self.cap, 100.0 * elapsed / (self.rise or self.duration))
        return TaskStatus(state=TaskState.RUNNING, percent=round(percent, 2))


def run(task: Task, *, fresh: bool = True, timeout: float = 600.0) -> TaskStatus:
    return wait_for(
        task.fetch, interval=1.0, max_interval=30.0, timeout=timeout,
        fresh=fresh, clock=task.clock, sleep=task.sleep,
    )  # fmt: skip


@pytest.mark.parametrize("duration", [1.5, 3.0, 20.0, 300.0])
@pytest.mark.parametrize("offset", [0.0, 0.03, 0.1])
def test_a_task_with_a_rising_percent_is_seen_done_soon_after_it_ends(
    duration: float, offset: float
) -> None:
    # ``offset``: the task started that long before the client's clock began (the
    # submit's answer and its journal write), which skews the first estimate.
    task = Task(duration=duration, started=-offset)
    assert run(task).state is TaskState.DONE
    ended = duration - offset
    seen = task.requests[-1] + task.latency
    assert ended <= seen <= ended + 0.06 + 0.01 * duration, task.requests
    # One request at the first interval, a few on the way to the estimated end
    # (steps of at most 3x the span measured, or the longest interval), a few there.
    assert len(task.requests) <= 4 + NEAR_WAITS + duration / 30.0, task.requests


def test_a_percent_stuck_below_100_never_makes_a_stream_of_requests() -> None:
    # The percent reaches 99% at 1.5 s and the task runs 20 s more; another's stays
    # at 60% from 18 s to 30 s.
    for t in (Task(duration=21.5, rise=1.5), Task(duration=30.0, cap=60.0)):
        assert run(t).state is TaskState.DONE
        gaps = [b - a for a, b in zip(t.requests, t.requests[1:], strict=False)]
        short = [g for g in gaps if g < MIN_WAIT]
        assert len(short) <= NEAR_WAITS, gaps
        assert all(g >= NEAR_WAIT for g in gaps), gaps
        assert len(t.requests) < 40, gaps


def test_a_task_without_a_percent_is_asked_about_on_a_growing_schedule() -> None:
    task = Task(duration=10.0)

    def fetch() -> TaskStatus:
        status = task.fetch()
        return TaskStatus(state=status.state) if status.state is TaskState.RUNNING else status

    wait_for(
        fetch, interval=1.0, max_interval=30.0, timeout=60.0, fresh=True,
        clock=task.clock, sleep=task.sleep,
    )  # fmt: skip
    gaps = [b - a for a, b in zip(task.requests, task.requests[1:], strict=False)]
    assert gaps == sorted(gaps) and gaps[0] >= 0.5 - 0.02, gaps
    # Seen within half the task's duration of its end.
    assert task.requests[-1] <= 10.0 * 1.5, task.requests
