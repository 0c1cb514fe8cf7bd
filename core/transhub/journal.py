"""The job journal: every remote task, recorded before it can cost money.

SQLite in WAL mode at ``<data folder>/jobs.db``, safe for several transhub processes
at once: every write is one short ``BEGIN IMMEDIATE`` transaction, retried while
another process holds the write lock (never "database is locked"), and no
transaction is held across a network call.  Jobs and items are described in
:mod:`transhub.jobs.model`; owners and leases in :mod:`transhub.jobs.claims`.

What ``transhub jobs resume`` does with each state:

========== ==================================================== =====================
state      meaning                                              resume
========== ==================================================== =====================
submitting written before the request that may start a paid    submit when nothing was
           task; the task id is not known yet                  sent (``sending_at``
                                                               unset), when the submit
                                                               is idempotent, or with
                                                               ``--resubmit``
running    the provider has the task (``task_id`` known)        poll, then download
finished   the task is done remotely; results not all saved     download
completed  every result saved (paths and SHA-256 recorded)      —
failed     the task (or its submit) failed; nothing to resume   —
expired    the provider no longer keeps the result              —
========== ==================================================== =====================

Times are stored in UTC (ISO 8601); leases in epoch seconds.  No secret is ever
written here: only inputs, options, provider task ids and outcomes.
"""

from __future__ import annotations

import enum
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from transhub.errors import InputError, NotFoundError
from transhub.jobs.batches import BatchStore
from transhub.jobs.claims import ClaimStore
from transhub.jobs.model import Item, ItemStatus, Job, JobState, now
from transhub.jobs.schema import SCHEMA_VERSION, script_from

__all__ = ["Item", "ItemStatus", "Job", "JobState", "Journal", "now", "open_journal"]

#: How long a write waits for another process's write lock before retrying, and for
#: how long it retries in all: far longer than any transaction of ours lasts.
_BUSY_TIMEOUT = 5.0
_RETRY_FOR = 120.0

T = TypeVar("T")


def _to_db(value: Any) -> Any:
    """Text as SQLite can store it.  A file name that is not valid UTF-8 reaches
    Python as a string with lone surrogates, which SQLite refuses: such text is
    stored as its bytes (a BLOB) and read back unchanged by :func:`_from_db`."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass")
    return value


def _from_db(value: Any) -> Any:
    """The inverse of :func:`_to_db`."""
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _retrying(action: Callable[[], T]) -> T:
    """``action()``, run again while SQLite reports the database busy or locked (a
    busy handler does not cover every case, e.g. a lock upgrade or WAL recovery)."""
    end = time.monotonic() + _RETRY_FOR
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() > end:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _item(row: sqlite3.Row) -> Item:
    return Item(
        position=row["position"],
        input=_from_db(row["input"]),
        fingerprint=row["fingerprint"],
        plan=json.loads(row["plan"]),
        input_size=row["input_size"],
        input_sha256=row["input_sha256"],
        state=row["state"],
        code=row["code"],
        message=_from_db(row["message"]),
        artifacts=json.loads(row["artifacts"]),
        outputs=json.loads(row["outputs"]),
    )


class Journal(ClaimStore, BatchStore):
    """The journal at ``path`` (created on first use).

    One connection per instance, guarded by a lock, so threads of one process may
    share it; other processes use their own instances.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            path, timeout=_BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        _retrying(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable across a process kill
        self._db.execute("PRAGMA foreign_keys=ON")
        if self._version() < SCHEMA_VERSION:
            self._migrate()

    def _version(self) -> int:
        return int(_retrying(lambda: self._db.execute("PRAGMA user_version").fetchone()[0]))

    def _migrate(self) -> None:
        """Create or upgrade the schema in one transaction (two processes opening a
        new journal at once: the second finds it done)."""
        with self._transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version >= SCHEMA_VERSION:
                return
            for statement in script_from(version):
                db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    class _Tx:
        def __init__(self, journal: Journal) -> None:
            self.journal = journal

        def __enter__(self) -> sqlite3.Connection:
            self.journal._lock.acquire()
            try:
                _retrying(lambda: self.journal._db.execute("BEGIN IMMEDIATE"))
            except BaseException:
                self.journal._lock.release()
                raise
            return self.journal._db

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            try:
                if exc_type:
                    self.journal._db.execute("ROLLBACK")
                else:
                    _retrying(lambda: self.journal._db.execute("COMMIT"))
            finally:
                self.journal._lock.release()

    def _transaction(self) -> Journal._Tx:
        return Journal._Tx(self)

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return _retrying(lambda: self._db.execute(sql, args).fetchall())

    # -- writing -------------------------------------------------------------------

    def create(
        self,
        *,
        provider: str,
        capability: str,
        request: dict[str, Any],
        items: Sequence[Item],
        state: JobState = JobState.SUBMITTING,
        message: str = "",
        batch_id: str | None = None,
    ) -> Job:
        """Record a new job in one transaction: in ``submitting`` before anything is
        sent, or — a reuse — ``completed`` at once with its items' outputs."""
        with self._transaction() as db:
            job_id = self._insert(
                db, provider, capability, request, items, state, message, batch_id
            )
        return self.get(job_id)

    def _insert(
        self,
        db: sqlite3.Connection,
        provider: str,
        capability: str,
        request: dict[str, Any],
        items: Sequence[Item],
        state: JobState = JobState.SUBMITTING,
        message: str = "",
        batch_id: str | None = None,
    ) -> str:
        stamp = now()
        job_id = self._new_id(db)
        percent = 100.0 if state is JobState.COMPLETED else None
        db.execute(
            "INSERT INTO jobs (id, created_at, updated_at, provider, capability, state,"
            " request, message, percent, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (job_id, stamp, stamp, provider, capability, state.value,
             json.dumps(request, sort_keys=True), message, percent, batch_id),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO items (job_id, position, input, input_size, input_sha256, fingerprint,"
            " plan, state, code, message, artifacts, outputs)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (job_id, item.position, _to_db(item.input), item.input_size, item.input_sha256,
                 item.fingerprint, json.dumps(item.plan), str(item.state), item.code,
                 _to_db(item.message), json.dumps(item.artifacts), json.dumps(item.outputs))
                for item in items
            ],
        )  # fmt: skip
        for item in items:
            self._index_outputs(db, job_id, item.fingerprint, item.outputs)
        return job_id

    @staticmethod
    def _index_outputs(
        db: sqlite3.Connection, job_id: str, fingerprint: str, outputs: dict[str, Any]
    ) -> None:
        """Remember saved results by path (so a folder's own results are recognised)."""
        db.executemany(
            "INSERT OR REPLACE INTO outputs (path, sha256, fingerprint, job_id)"
            " VALUES (?, ?, ?, ?)",
            [(_to_db(o["path"]), o["sha256"], fingerprint, job_id) for o in outputs.values()],
        )

    @staticmethod
    def _new_id(db: sqlite3.Connection) -> str:
        # Short enough to type, random so that ids from several processes never clash.
        while True:
            candidate = secrets.token_hex(4)
            if db.execute("SELECT 1 FROM jobs WHERE id = ?", (candidate,)).fetchone() is None:
                return candidate

    _JOB_FIELDS = frozenset(
        {
            "state",
            "task_id",
            "prepared_task_id",
            "percent",
            "pages",
            "message",
            "error",
            "error_kind",
            "submitted_at",
            "finished_at",
            "request",
            "sending_at",
            "owner",
            "lease_until",
            "batch_id",
            "billed_characters",
            "attempts",
        }
    )

    def update(self, job_id: str, **fields: Any) -> None:
        """Change a job's columns (``state`` may be a :class:`JobState`)."""
        unknown = set(fields) - self._JOB_FIELDS
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        values = {k: _to_db(v.value if isinstance(v, enum.Enum) else v) for k, v in fields.items()}
        if "request" in values:
            values["request"] = json.dumps(values["request"], sort_keys=True)
        if "attempts" in values:
            values["attempts"] = json.dumps(values["attempts"])
        values["updated_at"] = now()
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self._transaction() as db:
            db.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), job_id))  # noqa: S608 - names come from the allow-list above

    def update_item(self, job_id: str, position: int, **fields: Any) -> None:
        """Change one item's columns (``artifacts`` and ``outputs`` are dicts); saved
        outputs are indexed by path, so transhub knows its own results."""
        allowed = {"state", "code", "message", "artifacts", "outputs", "plan"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown item fields: {sorted(unknown)}")
        values = {
            k: _to_db(
                json.dumps(v) if isinstance(v, dict) else v.value if isinstance(v, enum.Enum) else v
            )
            for k, v in fields.items()
        }
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self._transaction() as db:
            db.execute(
                f"UPDATE items SET {assignments} WHERE job_id = ? AND position = ?",  # noqa: S608 - allow-listed names
                (*values.values(), job_id, position),
            )
            db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (now(), job_id))
            if fields.get("outputs"):
                row = db.execute(
                    "SELECT fingerprint FROM items WHERE job_id = ? AND position = ?",
                    (job_id, position),
                ).fetchone()
                self._index_outputs(db, job_id, row["fingerprint"], fields["outputs"])

    def forget(self, job_ids: Sequence[str]) -> int:
        """Delete jobs (and their items); return how many were deleted."""
        with self._transaction() as db:
            return sum(db.execute("DELETE FROM jobs WHERE id = ?", (i,)).rowcount for i in job_ids)

    def prunable(self, older_than_days: float) -> Generator[dict[str, Any], None, None]:
        """The jobs :meth:`prune` would delete (as :meth:`summaries` rows), newest first."""
        cutoff = (datetime.now(timezone.utc) - timedelta(days=older_than_days)).isoformat()
        finals = tuple(s.value for s in JobState if s.is_final)
        marks = ",".join("?" * len(finals))
        yield from self._summary_rows(
            f" WHERE j.updated_at < ? AND j.state IN ({marks})",
            (cutoff, *finals),
            None,
        )

    def prune(self, older_than_days: float) -> int:
        """Delete final jobs last updated more than ``older_than_days`` ago."""
        cutoff = (datetime.now(timezone.utc) - timedelta(days=older_than_days)).isoformat()
        finals = tuple(s.value for s in JobState if s.is_final)
        marks = ",".join("?" * len(finals))
        with self._transaction() as db:
            return db.execute(
                f"DELETE FROM jobs WHERE updated_at < ? AND state IN ({marks})",  # noqa: S608 - placeholders only
                (cutoff, *finals),
            ).rowcount

    # -- reading -------------------------------------------------------------------

    def get(self, job_id: str) -> Job:
        """The job with this id, or a unique id prefix (a primary-key range, not a scan)."""
        rows = self._read(
            "SELECT * FROM jobs WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
            (job_id, job_id + "\U0010ffff"),
        )
        exact = [r for r in rows if r["id"] == job_id]
        if exact:
            rows = exact
        if not rows:
            raise NotFoundError(f"no job {job_id!r} in the journal (see `transhub jobs list`)")
        if len(rows) > 1:
            raise InputError(
                f"job id {job_id!r} is ambiguous: {', '.join(r['id'] for r in rows[:5])}"
            )
        return self._job(rows[0])

    def state_of(self, job_id: str) -> tuple[JobState, str | None, float | None]:
        """A job's state, owner and lease (cheap: for waiting on another process)."""
        rows = self._read("SELECT state, owner, lease_until FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            raise NotFoundError(f"no job {job_id!r} in the journal")
        return JobState(rows[0]["state"]), rows[0]["owner"], rows[0]["lease_until"]

    def _job(self, row: sqlite3.Row) -> Job:
        items = [
            _item(r)
            for r in self._read(
                "SELECT * FROM items WHERE job_id = ? ORDER BY position", (row["id"],)
            )
        ]
        data = {key: _from_db(value) for key, value in dict(row).items()}
        data["state"] = JobState(data["state"])
        data["request"] = json.loads(data["request"])
        data["attempts"] = json.loads(data["attempts"])
        return Job(items=items, **data)

    def jobs(
        self,
        *,
        states: Sequence[str] | None = None,
        provider: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Job]:
        """Jobs, newest first, filtered by state and provider."""
        for row in self.summaries(states=states, provider=provider, limit=limit):
            yield self.get(row["job_id"])

    def summaries(
        self,
        *,
        states: Sequence[str] | None = None,
        provider: str | None = None,
        limit: int | None = None,
    ) -> Generator[dict[str, Any], None, None]:
        """One row per job, newest first, without loading items, streamed from the
        database (a big journal never sits in memory)."""
        where: list[str] = []
        args: list[Any] = []
        if states:
            where.append(f"j.state IN ({','.join('?' * len(states))})")
            args.extend(states)
        if provider:
            where.append("j.provider = ?")
            args.append(provider)
        condition = f" WHERE {' AND '.join(where)}" if where else ""  # placeholders only
        yield from self._summary_rows(condition, args, limit)

    def _summary_rows(
        self, condition: str, args: Sequence[Any], limit: int | None
    ) -> Generator[dict[str, Any], None, None]:
        sql = (
            "SELECT j.id AS job_id, j.created_at, j.provider, j.capability, j.state, j.pages,"  # noqa: S608
            " j.percent, j.task_id, j.error, j.sending_at,"
            " (SELECT COUNT(*) FROM items i WHERE i.job_id = j.id) AS items,"
            " (SELECT i.input FROM items i WHERE i.job_id = j.id ORDER BY i.position LIMIT 1)"
            f" AS input FROM jobs j{condition} ORDER BY j.created_at DESC, j.rowid DESC"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        # A separate connection: the rows stream while this journal's own connection
        # stays free for the caller's writes.
        reader = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        try:
            cursor = _retrying(lambda: reader.execute(sql, tuple(args)))
            keys = [column[0] for column in cursor.description]
            for row in cursor:
                record = dict(zip(keys, row, strict=True))
                record["input"] = _from_db(record["input"])
                record["error"] = _from_db(record["error"])
                yield record
        finally:
            reader.close()

    def item(self, job_id: str, position: int) -> Item:
        """One item of a job."""
        rows = self._read(
            "SELECT * FROM items WHERE job_id = ? AND position = ?", (job_id, position)
        )
        if not rows:
            raise NotFoundError(f"no item {position} in job {job_id!r}")
        return _item(rows[0])

    def output_at(self, path: Path) -> tuple[str, str, str] | None:
        """``(sha256, fingerprint, job_id)`` of the transhub result recorded at
        ``path`` (absolute), if one is."""
        rows = self._read(
            "SELECT sha256, fingerprint, job_id FROM outputs WHERE path = ?",
            (_to_db(str(path)),),
        )
        return (rows[0]["sha256"], rows[0]["fingerprint"], rows[0]["job_id"]) if rows else None

    def is_own_output(self, path: Path, fingerprint: str | None = None) -> bool:
        """Whether ``path`` holds, unchanged, a result transhub saved (of the work
        ``fingerprint``, when given)."""
        from transhub.files import file_digest

        resolved = path.resolve()
        found = self.output_at(resolved)
        if found is None or (fingerprint is not None and found[1] != fingerprint):
            return False
        return resolved.is_file() and file_digest(resolved) == found[0]


def open_journal(data_dir: Path | None = None) -> Journal:
    """The journal in transhub's data folder (``TRANSHUB_HOME/data`` when set)."""
    from transhub import paths

    return Journal((data_dir or paths.data_dir()) / "jobs.db")
