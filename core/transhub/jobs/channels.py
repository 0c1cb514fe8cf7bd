"""A provider account's channels, shared by every process that uses the journal.

A provider runs at most so many tasks of one account at once (Fanyigou: its
``channels``; each provider's ``max_concurrent_tasks``) and refuses more ("busy",
Fanyigou's 320).  The journal holds one row per channel of a (provider, account) —
``channels`` (provider, account, slot) with an owner, a lease and the job it runs —
and a job takes a channel before the request that starts its task and gives it back
when the task is done remotely (its downloads need none).  So however many processes
and machines share the journal, no more tasks run than there are channels, and a job
waits here for a channel instead of provoking the provider's "busy" answer.

A channel is free when its lease lapsed (its holder stopped renewing: the heartbeat
renews channels with jobs), when it was given back after its task ended, or when its
holder is a process of this machine that no longer runs *and* the job it held is not
running remotely.  A channel given back while its task still runs remotely (Ctrl-C, a
wait that timed out) stays taken until its lease lapses; a job adopted while its task
runs takes over the channel its task holds.  The account
is named by a digest of its public id (:func:`account_of`), never by a secret.
Taking a channel is one write transaction: on PostgreSQL the rows are read
``FOR UPDATE SKIP LOCKED``, so racing processes pick different channels.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transhub.errors import TransientError
from transhub.jobs.claims import mark_sending
from transhub.jobs.owners import lease_end, owner_alive

if TYPE_CHECKING:
    from transhub.journal.backend import Backend, Connection

#: Giving a channel back: while its task may still run remotely, and once it ended.
_KEEP = (
    "UPDATE channels SET owner = NULL WHERE provider = ? AND account = ? AND slot = ? AND owner = ?"
)
_GIVE = (
    "UPDATE channels SET owner = NULL, lease_until = NULL, job_id = NULL"
    " WHERE provider = ? AND account = ? AND slot = ? AND owner = ?"
)

#: The rows of an account's channels, and one of them (to be locked).
_ROWS = (
    "SELECT slot, owner, lease_until, job_id FROM channels"
    " WHERE provider = ? AND account = ? AND slot < ? ORDER BY slot"
)
_ROW = (
    "SELECT slot, owner, lease_until, job_id FROM channels"
    " WHERE provider = ? AND account = ? AND slot = ?"
)


@dataclass(frozen=True)
class Channels:
    """The channels of one provider account."""

    provider: str
    #: A digest of the account's public id (see :func:`account_of`).
    account: str
    count: int


def account_of(provider: str, public_id: str) -> str:
    """The name of an account in the journal: a digest of the provider and the
    account's public id (an app id, an access key id — never a secret)."""
    return hashlib.sha256(f"{provider}\n{public_id}".encode()).hexdigest()[:16]


class ChannelStore:
    """The journal's channel leases (a part of :class:`~transhub.journal.Journal`)."""

    if TYPE_CHECKING:
        backend: Backend

        def _write(self, action: Callable[[Connection], Any], *, durable: bool = False) -> Any: ...
        def _read(self, sql: str, args: Any = ()) -> list[Any]: ...
        def _job_assignments(self, fields: dict[str, Any]) -> tuple[str, list[Any]]: ...

    def take_channel(
        self, channels: Channels, owner: str, job_id: str, *, sending: str | None = None
    ) -> int | None:
        """A channel for ``job_id`` — the one it already holds (an adopted job whose
        task runs), else a free one — now leased to ``owner``; ``None`` when every
        channel is busy.  ``sending`` (a timestamp): the job's ``sending_at`` is
        written in the same transaction, only while ``owner`` owns the job — else
        nothing is taken and :class:`OwnershipLost` is raised (one transaction per
        submit instead of two, issue 17)."""
        key = (channels.provider, channels.account)
        locking = self.backend.lock_rows

        def taking(db: Connection) -> int | None:
            rows = db.execute(_ROWS, (*key, channels.count)).fetchall()
            if len(rows) < channels.count:  # the account's first use (or more channels now)
                db.executemany(
                    "INSERT INTO channels (provider, account, slot) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    [(*key, slot) for slot in range(channels.count)],
                )
                rows = db.execute(_ROWS, (*key, channels.count)).fetchall()
            # Read without locks, then lock one candidate at a time (SKIP LOCKED): racing
            # takers of two free channels get one each, where locking every row made the
            # second find none free, and wait for the next release with a channel idle.
            for candidate in sorted(rows, key=lambda r: r["job_id"] != job_id):
                if candidate["job_id"] != job_id and not _free(db, candidate):
                    continue
                row = candidate
                # Where the transaction already excludes every other writer (SQLite's
                # BEGIN IMMEDIATE), the row just read is current: no second look.
                if locking:
                    row = db.execute(f"{_ROW}{locking}", (*key, candidate["slot"])).fetchone()
                    if row is None or (row["job_id"] != job_id and not _free(db, row)):
                        continue  # another taker has it locked, or took it since the read
                db.execute(
                    "UPDATE channels SET owner = ?, lease_until = ?, job_id = ?"
                    " WHERE provider = ? AND account = ? AND slot = ?",
                    (owner, lease_end(), job_id, *key, row["slot"]),
                )
                if sending is not None and not mark_sending(db, job_id, owner, sending):
                    raise OwnershipLost(job_id)  # rolls the take back
                return int(row["slot"])
            return None

        # With the sending mark: durable (see Journal.begin_sending).
        found: int | None = self._write(taking, durable=sending is not None)
        return found

    def give_channel(
        self,
        channels: Channels,
        slot: int,
        owner: str,
        *,
        running: bool = False,
        job: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        """Give a channel back (only if ``owner`` still holds it).  ``running``: its
        task may still run remotely, so the channel stays taken by the job until its
        lease lapses, unrenewed.  ``job`` (an id and fields, as for
        :meth:`~transhub.journal.Journal.update`): that job's change, in the same
        transaction (a task done remotely: its channel and its final status are one
        write, issue 17)."""
        sql = _KEEP if running else _GIVE
        change = None if job is None else self._job_assignments(job[1])

        def giving(db: Connection) -> None:
            db.execute(sql, (channels.provider, channels.account, slot, owner))
            if job is not None and change is not None:
                db.execute(change[0], (*change[1], job[0]))
            self.backend.announce_release(db, key_of(channels))

        self._write(giving)
        wake(key_of(channels))

    def channels_in_use(self) -> list[dict[str, Any]]:
        """Every held channel: provider, account, slot, owner, lease and job."""
        rows = self._read(
            "SELECT provider, account, slot, owner, lease_until, job_id FROM channels"
            " WHERE owner IS NOT NULL ORDER BY provider, account, slot"
        )
        return [dict(row) for row in rows]


class OwnershipLost(Exception):
    """A channel taken with ``sending`` for a job its taker no longer owns: nothing
    was taken (the job's new owner sends it, or has)."""


def _free(db: Connection, row: Any) -> bool:
    """Whether a channel row may be taken (see the module's description)."""
    if row["lease_until"] is None or row["lease_until"] < time.time():
        return True
    if row["owner"] is None or owner_alive(row["owner"], row["lease_until"]):
        return False  # given back while its task runs, or held by a live process
    # Its holder, a process of this machine, stopped; its task may still run remotely.
    job = db.execute("SELECT state, sending_at FROM jobs WHERE id = ?", (row["job_id"],)).fetchone()
    return (
        job is None
        or job["state"] not in ("submitting", "running")
        or (job["state"] == "submitting" and job["sending_at"] is None)
    )


def key_of(channels: Channels) -> str:
    """The name of an account's channels in a release's announcement."""
    return f"{channels.provider}/{channels.account}"


class _Releases:
    """Releases of one account's channels seen by this process: a count, so that a
    release while a waiter was looking (not yet asleep) is not lost, and a condition
    that wakes *one* waiter per release — one channel came free, so one waiter may
    take it; waking them all made each look, and all but one find nothing."""

    def __init__(self) -> None:
        self.freed = threading.Condition()
        self.count = 0

    def seen(self) -> int:
        with self.freed:
            return self.count

    def wake(self) -> None:
        with self.freed:
            self.count += 1
            self.freed.notify()

    def wait(self, seen: int, timeout: float) -> None:
        with self.freed:
            if self.count == seen:
                self.freed.wait(timeout)


_releases: dict[str, _Releases] = {}
_releases_lock = threading.Lock()


def _of(key: str) -> _Releases:
    with _releases_lock:
        return _releases.setdefault(key, _Releases())


def wake(key: str) -> None:
    """Wake one of this process's waiters for a channel of ``key`` (see
    :func:`key_of`): one was given back, here or (announced by the database) by
    another process."""
    _of(key).wake()


def releases_seen(key: str) -> int:
    """How many releases of ``key``'s channels this process has seen (for
    :func:`wait_for_release`)."""
    return _of(key).seen()


def wait_for_release(key: str, seen: int, timeout: float) -> None:
    """Wait until a channel of ``key`` is given back after ``seen`` releases (at
    once if one was since), or ``timeout`` seconds."""
    _of(key).wait(seen, timeout)


class ChannelsBusyError(TransientError):
    """Every channel of the account stayed in use for the whole wait: nothing was
    sent, so nothing is recorded against the job (a worker hands it back to the
    queue; a local run says to run again later)."""


class ChannelLeases:
    """The channels one runner's jobs hold: taken before a job's task starts (or when
    an adopted job's task is found running), given back when it is done remotely."""

    def __init__(
        self,
        journal: Any,
        owner: str,
        *,
        stop: threading.Event,
        interval: float,
        timeout: float,
        started: Callable[[], object],
    ) -> None:
        self.journal = journal
        self.owner = owner
        self.stop = stop
        self.interval = interval
        self.timeout = timeout
        #: Called after a channel is taken (starts the heartbeat that renews it).
        self.started = started
        #: When set (a worker's slot), asked each time ``timeout`` lapses: whether the
        #: wait should end (other work waits for this slot) or go on, up to ``limit``.
        self.give_way: Callable[[], bool] | None = None
        self.limit = timeout
        self._held: dict[str, tuple[Channels, int]] = {}
        self._lock = threading.Lock()

    def holds(self, job_id: str) -> bool:
        """Whether this process holds a channel for ``job_id``."""
        with self._lock:
            return job_id in self._held

    def hold(
        self,
        job_id: str,
        channels: Channels,
        waiting: Callable[[str], None] | None,
        *,
        sending: str | None = None,
    ) -> bool:
        """Take a channel for ``job_id`` (idempotent), waiting while every channel is
        busy — said once to ``waiting`` — up to ``timeout``.  With ``sending``, the
        take also records the job's ``sending_at`` (see
        :meth:`ChannelStore.take_channel`); whether it did (not when the job held its
        channel already)."""
        from transhub.errors import Interrupted

        if self.holds(job_id):
            return False
        began = time.monotonic()
        deadline = began + self.timeout
        backend = self.journal.backend
        # Listening before the first look: a release between the look and the wait
        # wakes this wait (announced releases need no look on a timer, only a slow
        # safety look for leases that lapse unannounced).
        backend.watch_releases(wake)
        longest = _MAX_LOOK_ANNOUNCED if backend.announces else _MAX_LOOK
        delay = min(self.interval, longest)
        key = key_of(channels)
        told = False
        while True:
            seen = releases_seen(key)
            slot = self.journal.take_channel(channels, self.owner, job_id, sending=sending)
            if slot is not None:
                with self._lock:
                    self._held[job_id] = (channels, slot)
                self.started()
                return sending is not None
            if waiting is not None and not told:
                # The same words as a provider's own "busy" wait (polling.retry_while_busy).
                waiting(f"waiting for a free {channels.provider} channel")
                told = True
            remaining = deadline - time.monotonic()
            if (
                remaining <= 0
                and self.give_way is not None
                and time.monotonic() < began + self.limit
                and not self.give_way()
            ):
                deadline, remaining = deadline + self.timeout, self.timeout
            if remaining <= 0:
                raise ChannelsBusyError(
                    f"every {channels.provider} channel stayed in use for {self.timeout:g}s; "
                    "run the command again later"
                )
            if self.stop.is_set():
                raise Interrupted("interrupted while waiting for a provider channel")
            wait_for_release(key, seen, min(delay, remaining))
            delay = min(delay * 1.5, longest)

    def release(
        self, job_id: str, *, running: bool = False, update: dict[str, Any] | None = None
    ) -> None:
        """Give back the channel ``job_id`` holds, if any (``running``: its task may
        still run remotely; see :meth:`ChannelStore.give_channel`), and record
        ``update``'s job fields — in the same transaction when a channel is held."""
        with self._lock:
            held = self._held.pop(job_id, None)
        if held is not None:
            job = None if update is None else (job_id, update)
            self.journal.give_channel(held[0], held[1], self.owner, running=running, job=job)
        elif update is not None:
            self.journal.update(job_id, **update)


#: The longest wait between two looks for a free channel: where releases are not
#: announced (SQLite: another process's release is seen within it), and where they are
#: (PostgreSQL: a lease that lapsed, or a release while the listener reconnected).
_MAX_LOOK = 0.5
_MAX_LOOK_ANNOUNCED = 2.0
