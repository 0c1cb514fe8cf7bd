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
        """Mark a batch as run to its end (every input has its outcome)."""
        self._write(
            lambda db: db.execute(
                "UPDATE batches SET state = 'done', updated_at = ? WHERE id = ?", (now(), batch_id)
            )
        )

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
