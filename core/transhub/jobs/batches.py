"""Recorded batches: a command's inputs and options, written before the batch starts,
so that ``transhub jobs resume`` after an interrupted or killed batch also starts the
inputs that never started (the batch runs again; what is done is reused, what is in
flight is adopted).  The specs themselves are :mod:`transhub.jobs.specs` models."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from transhub.jobs.model import now

if TYPE_CHECKING:
    from transhub.journal.backend import Connection

    class _Store:
        def _write(self, action: Callable[[Connection], Any], *, durable: bool = False) -> Any: ...
        def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]: ...

else:
    _Store = object


def same_work(spec: dict[str, Any]) -> str:
    """What makes two recorded batches the same work: the command, its inputs and
    options and settings — not how many tasks ran at once (``-j``)."""
    return json.dumps({k: v for k, v in spec.items() if k != "jobs"}, sort_keys=True)


class BatchStore(_Store):
    """The journal's batch records (a part of :class:`~transhub.journal.Journal`)."""

    def open_batch(self, spec: dict[str, Any]) -> str:
        """Record a batch before it starts; its id."""
        stamp = now()
        batch_id = secrets.token_hex(6)
        self._write(
            lambda db: db.execute(
                "INSERT INTO batches (id, created_at, updated_at, state, spec)"
                " VALUES (?, ?, ?, 'open', ?)",
                (batch_id, stamp, stamp, json.dumps(spec, sort_keys=True)),
            )
        )
        return batch_id

    def close_batch(self, batch_id: str) -> None:
        """Mark a batch as run to its end (every input has its outcome), and with it
        every open batch of the same work recorded before it: a killed batch that
        was finished by running the same command again (a new batch record) is done
        too, so ``jobs resume`` never runs it again (nor pays again for inputs whose
        results were moved away since)."""

        def close(db: Connection) -> None:
            rows = db.execute(
                "SELECT id, created_at, spec FROM batches WHERE id = ? OR state = 'open'",
                (batch_id,),
            ).fetchall()
            this = next((row for row in rows if row["id"] == batch_id), None)
            if this is None:
                return
            work = same_work(json.loads(this["spec"]))
            covered = [
                row["id"]
                for row in rows
                if row["id"] == batch_id
                or (
                    row["created_at"] <= this["created_at"]
                    and same_work(json.loads(row["spec"])) == work
                )
            ]
            stamp = now()
            db.executemany(
                "UPDATE batches SET state = 'done', updated_at = ? WHERE id = ?",
                [(stamp, covered_id) for covered_id in covered],
            )

        self._write(close)

    def batch_open(self, batch_id: str) -> bool:
        """Whether a recorded batch is still open (not run to its end)."""
        rows = self._read("SELECT state FROM batches WHERE id = ?", (batch_id,))
        return bool(rows) and rows[0]["state"] == "open"

    def open_batches(self) -> list[tuple[str, dict[str, Any]]]:
        """Batches that did not run to their end (interrupted or killed), oldest first."""
        rows = self._read(
            "SELECT id, spec FROM batches WHERE state = 'open' ORDER BY created_at, id"
        )
        return [(row["id"], json.loads(row["spec"])) for row in rows]

    def batch_spec(self, batch_id: str) -> dict[str, Any] | None:
        """A recorded batch's spec (open or done), ``None`` when there is no such batch."""
        rows = self._read("SELECT spec FROM batches WHERE id = ?", (batch_id,))
        return json.loads(rows[0]["spec"]) if rows else None

    def failed_in_batch(self, batch_id: str, fingerprint: str) -> tuple[str, str] | None:
        """``(job_id, error)`` of a job of this batch that failed for this work: a
        batch run again does not pay for it again.  A job that gave its work up to
        an identical job at the next candidate (``error_kind`` ``superseded``, see
        :class:`transhub.jobs.fallback.HeldElsewhere`) did not fail it."""
        rows = self._read(
            "SELECT j.id, COALESCE(i.message, '') AS item_error, COALESCE(j.error, '') AS error"
            " FROM items i JOIN jobs j ON j.id = i.job_id WHERE i.fingerprint = ?"
            " AND j.batch_id = ? AND (i.state = 'failed' OR j.state = 'failed')"
            " AND COALESCE(j.error_kind, '') != 'superseded' LIMIT 1",
            (fingerprint, batch_id),
        )
        if not rows:
            return None
        return rows[0]["id"], rows[0]["item_error"] or rows[0]["error"] or "failed"

    def completed_in_batch(self, batch_id: str, fingerprint: str) -> str | None:
        """The id of a job of this batch that completed this work, if one did: a
        batch run again never pays for it again, even when its result was moved."""
        rows = self._read(
            "SELECT j.id FROM items i JOIN jobs j ON j.id = i.job_id WHERE i.fingerprint = ?"
            " AND j.batch_id = ? AND j.state = 'completed' LIMIT 1",
            (fingerprint, batch_id),
        )
        return str(rows[0]["id"]) if rows else None
