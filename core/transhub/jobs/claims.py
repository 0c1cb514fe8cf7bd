"""Claims: the transactions that give a job's work to one owner.

Every live job has an owner and a lease (:mod:`transhub.jobs.owners`); a job whose
lease has lapsed, or whose owner no longer runs, is an orphan any process may adopt.
Claiming a new job and adopting an
orphan are single transactions of the journal
(:meth:`transhub.journal.Journal.claim`, :meth:`~transhub.journal.Journal.adopt`) —
``BEGIN IMMEDIATE`` on SQLite; on PostgreSQL a lock per claimed fingerprint and a
compare-and-set of the job row — so two processes never both submit the same work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transhub.jobs.model import LIVE_STATES, Item, Job, JobState, now
from transhub.jobs.owners import lease_end, owner_alive

if TYPE_CHECKING:
    from transhub.jobs.requests import JobRequest
    from transhub.journal.backend import Backend, Connection

log = logging.getLogger("transhub.jobs")


@dataclass(frozen=True)
class Holder:
    """A job that already holds (or held) the same work as an input being claimed."""

    job_id: str
    position: int
    state: JobState
    owner: str | None
    lease_until: float | None
    sending_at: str | None

    @property
    def orphan(self) -> bool:
        """A live job whose owner stopped working on it."""
        return not self.state.is_final and not owner_alive(self.owner, self.lease_until)

    @property
    def may_have_been_submitted(self) -> bool:
        """Its paid request left, and nothing more is known."""
        return self.state is JobState.SUBMITTING and self.sending_at is not None


@dataclass(frozen=True)
class Slot:
    """What claiming one input gave: a place in a new job of ours, or the job that
    already holds the same work."""

    job_id: str
    position: int
    holder: Holder | None = None
    #: A new job as the claim wrote it (reading it back cost a tenth of a small
    #: document's journal work, issue 17); ``None`` for a held slot.
    job: Job | None = None

    @property
    def new(self) -> bool:
        """A new job, owned by this process."""
        return self.holder is None


LIVE = tuple(s.value for s in LIVE_STATES)
LIVE_MARKS = ",".join("?" * len(LIVE))
# Placeholders only are joined into these statements; every value is a parameter.
# ``{same}`` is the dialect's null-safe equality (:attr:`Backend.same`).
_ADOPT = (
    "UPDATE jobs SET owner = ?, lease_until = ?, updated_at = ? WHERE id = ?"  # noqa: S608
    f" AND owner {{same}} ? AND lease_until {{same}} ? AND state IN ({LIVE_MARKS})"
)
_RENEW = f"UPDATE jobs SET lease_until = ? WHERE owner = ? AND state IN ({LIVE_MARKS})"  # noqa: S608
_HOLDERS = (
    "SELECT j.id, j.state, j.owner, j.lease_until, j.sending_at, i.position"  # noqa: S608
    " FROM items i JOIN jobs j ON j.id = i.job_id"
    " WHERE i.fingerprint = ? AND i.state != 'failed'"
    f" AND j.state IN ({LIVE_MARKS}, 'completed')"
    " ORDER BY j.state = 'completed', j.updated_at DESC LIMIT 16"
)


class ClaimStore:
    """The journal's claim operations (a part of :class:`~transhub.journal.Journal`):
    each one short write transaction."""

    if TYPE_CHECKING:
        backend: Backend

        def _write(self, action: Callable[[Connection], Any], *, durable: bool = False) -> Any: ...

        def _job_assignments(self, fields: dict[str, Any]) -> tuple[str, list[Any]]: ...

        def _insert(
            self,
            db: Connection,
            provider: str,
            capability: str,
            request: JobRequest,
            items: Sequence[Item],
            *,
            batch_id: str | None = None,
            stamp: str | None = None,
            owner: str | None = None,
            lease_until: float | None = None,
        ) -> str: ...

    def claim(
        self,
        *,
        provider: str,
        capability: str,
        request: Callable[[list[Item]], JobRequest],
        items: Sequence[Item],
        owner: str,
        per_job: int = 1,
        force: bool = False,
        ignore: frozenset[str] = frozenset(),
        batch_id: str | None = None,
    ) -> list[Slot]:
        """Claim the work of ``items`` in one transaction, one slot per input in order.

        An input whose fingerprint — or, with fallback, the same work's fingerprint
        at a later candidate (``Item.alternates``, looked at in order) — a live or
        completed job already holds (jobs in ``ignore`` excepted) gets that job as
        its holder; the others go into new jobs
        of up to ``per_job`` items, owned by ``owner``, recorded in ``submitting``
        before anything is sent.  An input repeated in ``items`` is claimed once: the
        repeats are held by the first one's job.  ``force`` claims anew.
        """

        # The whole claim is one transaction (run again from the start if the
        # database asks), so its bookkeeping starts inside.
        def claiming(db: Connection) -> tuple[list[Slot | None], dict[str, int], float]:
            slots: list[Slot | None] = [None] * len(items)
            first: dict[str, int] = {}
            fresh: list[int] = []
            self.backend.lock_work(db, [f for item in items for f in _work(item)])
            for index, item in enumerate(items):
                if item.fingerprint in first:
                    continue  # a repeat: resolved below
                first[item.fingerprint] = index
                holder = None if force else _any_holder(db, _work(item), ignore)
                if holder is None:
                    fresh.append(index)
                else:
                    slots[index] = Slot(holder.job_id, holder.position, holder)
            until = lease_end()
            for start in range(0, len(fresh), max(1, per_job)):
                chunk = fresh[start : start + max(1, per_job)]
                job_items = [
                    Item(**{**items[i].__dict__, "position": n}) for n, i in enumerate(chunk)
                ]
                stamp, wanted = now(), request(job_items)
                job_id = self._insert(
                    db, provider, capability, wanted, job_items, batch_id=batch_id,
                    stamp=stamp, owner=owner, lease_until=until,
                )  # fmt: skip
                job = _written(job_id, provider, capability, wanted, job_items, stamp)
                job.owner, job.lease_until, job.batch_id = owner, until, batch_id
                for n, index in enumerate(chunk):
                    slots[index] = Slot(job_id, n, job=job)
            return slots, first, until

        slots, first, until = self._write(claiming)
        for index, item in enumerate(items):
            if slots[index] is None:
                origin = slots[first[item.fingerprint]]
                assert origin is not None
                slots[index] = Slot(
                    origin.job_id,
                    origin.position,
                    origin.holder
                    or Holder(
                        origin.job_id,
                        origin.position,
                        JobState.SUBMITTING,
                        owner,
                        until,
                        None,
                    ),
                )
        return [slot for slot in slots if slot is not None]

    def move(
        self,
        job_id: str,
        owner: str,
        fingerprints: Sequence[str],
        **fields: Any,
    ) -> Holder | None:
        """Move a job this process owns to another provider in one transaction: its
        items' ``fingerprints`` (one per position: the same work at the new provider)
        claimed, and the job's columns ``fields`` (provider, request, attempts...)
        written with them.  When another job already holds that work (say a process
        that named the new provider itself claimed it first), nothing changes and
        that job is returned: the work is its, and this job must not be sent."""
        sql, values = self._job_assignments(fields)

        def moving(db: Connection) -> Holder | None:
            self.backend.lock_work(db, fingerprints)
            holder = _any_holder(db, fingerprints, frozenset({job_id}))
            if holder is not None:
                return holder
            changed = db.execute(f"{sql} AND owner = ?", (*values, job_id, owner)).rowcount
            if changed != 1:
                from transhub.jobs.runner import ClaimLostError

                raise ClaimLostError(f"job {job_id} is no longer this process's to move")
            db.executemany(
                "UPDATE items SET fingerprint = ? WHERE job_id = ? AND position = ?",
                [(f, job_id, n) for n, f in enumerate(fingerprints)],
            )
            return None

        result: Holder | None = self._write(moving)
        return result

    def adopt(self, holder: Holder, owner: str) -> bool:
        """Take over an orphan if it is still the orphan ``holder`` saw (no other
        process adopted it meanwhile); whether this process now owns it."""
        sql = _ADOPT.format(same=self.backend.same)
        args = (owner, lease_end(), now(), holder.job_id, holder.owner, holder.lease_until, *LIVE)
        return bool(self._write(lambda db: db.execute(sql, args).rowcount == 1))

    def begin_sending(self, job_id: str, owner: str) -> bool:
        """Record that the request which may start the paid task is about to leave —
        only while ``owner`` still owns the job; whether it does."""
        stamp = now()
        # Durable: after a power loss too, a resume must know the request may have left.
        return bool(self._write(lambda db: mark_sending(db, job_id, owner, stamp), durable=True))

    def renew(self, owner: str, until: float) -> int:
        """Extend the leases of every live job and every channel ``owner`` holds; how
        many."""

        def renewing(db: Connection) -> int:
            jobs = db.execute(_RENEW, (until, owner, *LIVE)).rowcount
            channels = db.execute(
                "UPDATE channels SET lease_until = ? WHERE owner = ?", (until, owner)
            ).rowcount
            return int(jobs + channels)

        return int(self._write(renewing))

    def release(self, job_id: str, owner: str) -> None:
        """Give up a job this process stops working on before it is final: it is an
        orphan at once, for whoever picks it up next."""
        self.release_all([job_id], owner)

    def release_all(self, job_ids: Sequence[str], owner: str) -> None:
        """:meth:`release` of many jobs, in one transaction."""
        if job_ids:
            self._write(
                lambda db: db.executemany(
                    "UPDATE jobs SET owner = NULL, lease_until = NULL WHERE id = ? AND owner = ?",
                    [(job_id, owner) for job_id in job_ids],
                )
            )


def _written(
    job_id: str,
    provider: str,
    capability: str,
    request: JobRequest,
    items: Sequence[Item],
    stamp: str,
) -> Job:
    """The job a claim inserted, as :meth:`Journal.get` would read it back: its own
    copies of the items' dicts, without the unrecorded ``alternates`` (the request
    is a frozen model: shared)."""
    from transhub.capabilities.kinds import Capability

    recorded = [
        Item(
            **{
                **item.__dict__,
                # The dicts an item holds, copied (strings and tuples are immutable): a
                # deep copy's generic walk cost more than the rest of the claim's Python.
                "plan": dict(item.plan),
                "artifacts": dict(item.artifacts),
                "outputs": {key: dict(saved) for key, saved in item.outputs.items()},
                "alternates": (),
            }
        )
        for item in items
    ]
    return Job(
        id=job_id,
        provider=provider,
        capability=Capability(capability),
        state=JobState.SUBMITTING,
        request=request,
        items=recorded,
        created_at=stamp,
        updated_at=stamp,
    )


def _work(item: Item) -> tuple[str, ...]:
    """The fingerprints of an input's work at each candidate, in order."""
    return (item.fingerprint, *item.alternates)


def _any_holder(
    db: Connection, fingerprints: Sequence[str], ignore: frozenset[str]
) -> Holder | None:
    """The job holding the first of ``fingerprints`` that any job holds."""
    for fingerprint in fingerprints:
        holder = _holder(db, fingerprint, ignore)
        if holder is not None:
            return holder
    return None


def _holder(db: Connection, fingerprint: str, ignore: frozenset[str]) -> Holder | None:
    """The job that holds this work: a live one first, else the latest completed."""
    rows = db.execute(_HOLDERS, (fingerprint, *LIVE)).fetchall()
    for row in rows:
        if row["id"] not in ignore:
            return Holder(
                job_id=row["id"],
                position=row["position"],
                state=JobState(row["state"]),
                owner=row["owner"],
                lease_until=row["lease_until"],
                sending_at=row["sending_at"],
            )
    return None


def mark_sending(db: Connection, job_id: str, owner: str, stamp: str) -> bool:
    """Within a transaction: record that the request which may start ``job_id``'s
    paid task is about to leave — only while ``owner`` owns the job; whether it does."""
    return bool(
        db.execute(
            "UPDATE jobs SET sending_at = ?, updated_at = ? WHERE id = ? AND owner = ?",
            (stamp, stamp, job_id, owner),
        ).rowcount
        == 1
    )
