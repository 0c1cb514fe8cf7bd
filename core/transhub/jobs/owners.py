"""Owners and leases: who works on a job, and the heartbeat that keeps their claims.

Every live job has an *owner* — ``pid@host#start`` of the process working on it
(``start`` is the process's start time, so a recycled pid is not mistaken for the
owner) — and a *lease*: a time until which the owner promises to renew it.  A job
whose lease has lapsed, or whose owner is a process of this machine that no longer
runs, is an *orphan*: any process may adopt it (:mod:`transhub.jobs.claims`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transhub.journal import Journal

log = logging.getLogger("transhub.jobs")

#: Seconds a lease lasts without renewal; the heartbeat renews it every third of that.
LEASE_SECONDS = 60.0


def _start_ticks(pid: int) -> str | None:
    """The start time of process ``pid`` as the kernel records it (Linux), or ``None``
    where it cannot be read (no such process, or no ``/proc``)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its end.
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


@dataclass(frozen=True)
class Owner:
    """A process that works on jobs."""

    pid: int
    host: str
    started: str

    def __str__(self) -> str:
        return f"{self.pid}@{self.host}#{self.started}"

    @classmethod
    def parse(cls, text: str) -> Owner | None:
        """The owner recorded as ``text`` (``None`` if it is not one)."""
        try:
            head, started = text.rsplit("#", 1)
            pid, host = head.split("@", 1)
            return cls(int(pid), host, started)
        except ValueError:
            return None


_HOST = socket.gethostname()
_this: Owner | None = None
_this_lock = threading.Lock()


def this_process() -> Owner:
    """The owner standing for this process (fixed at first use; a forked child gets
    its own)."""
    global _this  # noqa: PLW0603 - one identity per process
    with _this_lock:
        pid = os.getpid()
        if _this is None or _this.pid != pid:
            started = _start_ticks(pid) or f"t{time.time():.3f}"
            _this = Owner(pid, _HOST, started)
        return _this


def owner_alive(owner: str | None, lease_until: float | None, *, at: float | None = None) -> bool:
    """Whether the owner of a job is still working on it: its lease has not lapsed,
    and — when it is a process of this machine — that process still runs."""
    if owner is None or lease_until is None:
        return False
    if lease_until < (time.time() if at is None else at):
        return False
    parsed = Owner.parse(owner)
    if parsed is None or parsed.host != _HOST:
        return True  # another machine: only its lease can tell
    return _runs(parsed)


def _runs(owner: Owner) -> bool:
    """Whether a process of this machine is still the one recorded as ``owner``."""
    me = this_process()
    if owner.pid == me.pid:
        return owner.started == me.started
    ticks = _start_ticks(owner.pid)
    if ticks is not None or not owner.started.startswith("t"):
        return ticks == owner.started
    try:  # no /proc: whether the pid exists at all
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class Heartbeat:
    """Renews the leases of every live job this process owns, from one daemon thread
    (a killed process stops renewing: that is how its jobs become orphans).

    The thread stops once a renewal finds no live job of this process left, so a
    long-lived process that has used many journals keeps no idle threads.  Every
    claim and adoption calls :meth:`start` *after* its transaction commits; a start
    between a renewal's beginning and the thread's decision to stop ("kicked") keeps
    the thread going, so a job claimed while the thread was about to stop is still
    renewed: either the renewal saw the new job, or the kick came after it began.
    """

    def __init__(self, journal: Journal, *, lease: float = LEASE_SECONDS) -> None:
        self.journal = journal
        self.lease = lease
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._kicked = False

    @property
    def running(self) -> bool:
        """Whether the renewing thread runs."""
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Make sure the leases are renewed (idempotent; call after each claim)."""
        with self._lock:
            self._kicked = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="transhub-heartbeat", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.lease / 3):
            with self._lock:
                self._kicked = False
            if self.journal.closed:
                break  # nothing can be renewed through a closed journal
            try:
                renewed = self.journal.renew(str(this_process()), time.time() + self.lease)
            except Exception as exc:  # a missed beat is retried at the next one
                # One line, no traceback: formatting one in this thread would parse
                # source (Python 3.11's carets) beside the main thread's parsing.
                log.debug("lease renewal failed: %s", exc)
                continue
            if renewed:
                continue
            with self._lock:
                if self._kicked:
                    continue  # claimed meanwhile: the next renewal covers it
                self._thread = None
                return
        with self._lock:
            self._thread = None

    def stop(self) -> None:
        """Stop renewing (the leases then lapse on their own)."""
        self._stop.set()


_beats: dict[str, Heartbeat] = {}
_beats_lock = threading.Lock()


def heartbeat(journal: Journal) -> Heartbeat:
    """The running heartbeat for ``journal``'s file or database (one per journal per
    process)."""
    key = journal.shown
    with _beats_lock:
        beat = _beats.get(key)
        if beat is None:
            beat = _beats[key] = Heartbeat(journal)
        beat.start()
        return beat


def lease_end() -> float:
    """When a lease taken now ends."""
    return time.time() + LEASE_SECONDS
