"""The job journal: every remote task, recorded before it can cost money.

SQLite in WAL mode at ``<data folder>/jobs.db``, safe for several transhub processes
at once.  A *job* is one remote task (a document, a conversion, or one task of an
image batch); its *items* are the inputs it carries (one for a document, up to the
provider's task size for images), each with its own outcome and saved files.

The life of a job, and what ``transhub jobs resume`` does with each state:

========== ==================================================== =====================
state      meaning                                              resume
========== ==================================================== =====================
submitting written before the request that may start a paid    re-submit only when the
           task; the task id is not known yet                  submit is idempotent
                                                               (prepared task id) or
                                                               with ``--resubmit``
running    the provider has the task (``task_id`` known)        poll, then download
finished   the task is done remotely; results not all saved     download
completed  every result saved (paths and SHA-256 recorded)      —
failed     the task (or its submit) failed; nothing to resume   —
expired    the provider no longer keeps the result              —
========== ==================================================== =====================

Times are stored in UTC (ISO 8601).  No secret is ever written here: only inputs,
options, provider task ids and outcomes.
"""

from __future__ import annotations

import enum
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from transhub.errors import InputError, NotFoundError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id            TEXT PRIMARY KEY,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    provider      TEXT NOT NULL,
    capability    TEXT NOT NULL,
    state         TEXT NOT NULL,
    request       TEXT NOT NULL,          -- JSON: languages, options, output kind, ...
    task_id       TEXT,
    prepared_task_id TEXT,
    percent       REAL,
    pages         INTEGER,
    message       TEXT NOT NULL DEFAULT '',
    error         TEXT,
    error_kind    TEXT,
    submitted_at  TEXT,
    finished_at   TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at);
CREATE TABLE IF NOT EXISTS items (
    job_id        TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    input         TEXT NOT NULL,          -- path or URL, as given
    input_size    INTEGER,
    input_sha256  TEXT,
    fingerprint   TEXT NOT NULL,          -- content + provider + languages + options
    plan          TEXT NOT NULL,          -- JSON: where each artifact goes
    state         TEXT NOT NULL,          -- pending, completed, failed, reused
    code          TEXT,
    message       TEXT NOT NULL DEFAULT '',
    artifacts     TEXT NOT NULL DEFAULT '{}',  -- JSON: artifact -> provider reference
    outputs       TEXT NOT NULL DEFAULT '{}',  -- JSON: artifact -> {path, sha256, size}
    PRIMARY KEY (job_id, position)
);
CREATE INDEX IF NOT EXISTS items_fingerprint ON items(fingerprint, state);
"""


class JobState(str, enum.Enum):
    """Where a job stands (see the module docstring)."""

    SUBMITTING = "submitting"
    RUNNING = "running"
    FINISHED = "finished"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        """Whether resume has nothing left to do."""
        return self in (JobState.COMPLETED, JobState.FAILED, JobState.EXPIRED)

    def __str__(self) -> str:
        return self.value


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


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class Item:
    """One input of a job."""

    position: int
    input: str
    fingerprint: str
    plan: dict[str, str]
    input_size: int | None = None
    input_sha256: str | None = None
    state: str = "pending"
    code: str | None = None
    message: str = ""
    artifacts: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Job:
    """One remote task and its items, as recorded."""

    id: str
    provider: str
    capability: str
    state: JobState
    request: dict[str, Any]
    items: list[Item]
    created_at: str = ""
    updated_at: str = ""
    task_id: str | None = None
    prepared_task_id: str | None = None
    percent: float | None = None
    pages: int | None = None
    message: str = ""
    error: str | None = None
    error_kind: str | None = None
    submitted_at: str | None = None
    finished_at: str | None = None

    @property
    def may_have_been_submitted(self) -> bool:
        """Left in ``submitting`` by a process that died mid-request."""
        return self.state is JobState.SUBMITTING

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``jobs show --json``)."""
        data = {k: v for k, v in self.__dict__.items() if k != "items"}
        data["state"] = self.state.value
        data["items"] = [item.__dict__ for item in self.items]
        return data


class Journal:
    """The journal at ``path`` (created on first use).

    One connection per instance, guarded by a lock, so threads of one process may
    share it; other processes use their own instances — SQLite's WAL and its busy
    timeout serialise the writers.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable across a process kill
        self._db.execute("PRAGMA foreign_keys=ON")
        if self._version() < SCHEMA_VERSION:
            # executescript commits on its own; every statement is IF NOT EXISTS, so two
            # processes creating the journal at once do no harm.
            with self._lock:
                self._db.executescript(_SCHEMA)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    class _Tx:
        def __init__(self, journal: Journal) -> None:
            self.journal = journal

        def __enter__(self) -> sqlite3.Connection:
            self.journal._lock.acquire()
            self.journal._db.execute("BEGIN IMMEDIATE")
            return self.journal._db

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            try:
                self.journal._db.execute("ROLLBACK" if exc_type else "COMMIT")
            finally:
                self.journal._lock.release()

    def _transaction(self) -> Journal._Tx:
        return Journal._Tx(self)

    # -- writing -------------------------------------------------------------------

    def create(
        self,
        *,
        provider: str,
        capability: str,
        request: dict[str, Any],
        items: Sequence[Item],
    ) -> Job:
        """Record a new job in ``submitting``, before anything is sent."""
        stamp = now()
        with self._transaction() as db:
            job_id = self._new_id(db)
            db.execute(
                "INSERT INTO jobs (id, created_at, updated_at, provider, capability, state,"
                " request) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    stamp,
                    stamp,
                    provider,
                    capability,
                    JobState.SUBMITTING.value,
                    json.dumps(request, sort_keys=True),
                ),
            )
            for item in items:
                db.execute(
                    "INSERT INTO items (job_id, position, input, input_size, input_sha256,"
                    " fingerprint, plan, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        job_id,
                        item.position,
                        _to_db(item.input),
                        item.input_size,
                        item.input_sha256,
                        item.fingerprint,
                        json.dumps(item.plan),
                        item.state,
                    ),
                )
        return self.get(job_id)

    @staticmethod
    def _new_id(db: sqlite3.Connection) -> str:
        # Short enough to type, random so that ids from several processes never clash.
        while True:
            candidate = secrets.token_hex(4)
            if db.execute("SELECT 1 FROM jobs WHERE id = ?", (candidate,)).fetchone() is None:
                return candidate

    def update(self, job_id: str, **fields: Any) -> None:
        """Change a job's columns (``state`` may be a :class:`JobState`)."""
        allowed = {
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
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        values = {k: _to_db(v.value if isinstance(v, enum.Enum) else v) for k, v in fields.items()}
        if "request" in values:
            values["request"] = json.dumps(values["request"], sort_keys=True)
        values["updated_at"] = now()
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self._transaction() as db:
            db.execute(f"UPDATE jobs SET {assignments} WHERE id = ?", (*values.values(), job_id))  # noqa: S608 - names come from the allow-list above

    def update_item(self, job_id: str, position: int, **fields: Any) -> None:
        """Change one item's columns (``artifacts`` and ``outputs`` are dicts)."""
        allowed = {"state", "code", "message", "artifacts", "outputs", "plan"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown item fields: {sorted(unknown)}")
        values = {k: _to_db(json.dumps(v) if isinstance(v, dict) else v) for k, v in fields.items()}
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self._transaction() as db:
            db.execute(
                f"UPDATE items SET {assignments} WHERE job_id = ? AND position = ?",  # noqa: S608 - allow-listed names
                (*values.values(), job_id, position),
            )
            db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (now(), job_id))

    def forget(self, job_ids: Sequence[str]) -> int:
        """Delete jobs (and their items); return how many were deleted."""
        with self._transaction() as db:
            return sum(db.execute("DELETE FROM jobs WHERE id = ?", (i,)).rowcount for i in job_ids)

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
        """The job with this id, or a unique id prefix."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY id = ? DESC",
                (job_id, f"{_escape_like(job_id)}%", job_id),
            ).fetchall()
        if not rows:
            raise NotFoundError(f"no job {job_id!r} in the journal (see `transhub jobs list`)")
        if len(rows) > 1 and rows[0]["id"] != job_id:
            raise InputError(
                f"job id {job_id!r} is ambiguous: {', '.join(r['id'] for r in rows[:5])}"
            )
        return self._job(rows[0])

    def _job(self, row: sqlite3.Row) -> Job:
        with self._lock:
            item_rows = self._db.execute(
                "SELECT * FROM items WHERE job_id = ? ORDER BY position", (row["id"],)
            ).fetchall()
        items = [
            Item(
                position=r["position"],
                input=_from_db(r["input"]),
                fingerprint=r["fingerprint"],
                plan=json.loads(r["plan"]),
                input_size=r["input_size"],
                input_sha256=r["input_sha256"],
                state=r["state"],
                code=r["code"],
                message=_from_db(r["message"]),
                artifacts=json.loads(r["artifacts"]),
                outputs=json.loads(r["outputs"]),
            )
            for r in item_rows
        ]
        data = {key: _from_db(value) for key, value in dict(row).items()}
        data["state"] = JobState(data["state"])
        data["request"] = json.loads(data["request"])
        return Job(items=items, **data)

    def jobs(
        self,
        *,
        states: Sequence[str] | None = None,
        provider: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Job]:
        """Jobs, newest first, filtered by state and provider."""
        where: list[str] = []
        args: list[Any] = []
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            args.extend(states)
        if provider:
            where.append("provider = ?")
            args.append(provider)
        # Only fixed clauses with placeholders are joined here; values go as parameters.
        sql = "SELECT * FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "")  # noqa: S608
        sql += " ORDER BY created_at DESC, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        for row in rows:
            yield self._job(row)

    def summaries(
        self, *, states: Sequence[str] | None = None, provider: str | None = None
    ) -> list[dict[str, Any]]:
        """One row per job without loading items (for ``jobs list`` on a big journal)."""
        where: list[str] = []
        args: list[Any] = []
        if states:
            where.append(f"j.state IN ({','.join('?' * len(states))})")
            args.extend(states)
        if provider:
            where.append("j.provider = ?")
            args.append(provider)
        condition = f" WHERE {' AND '.join(where)}" if where else ""  # placeholders only
        sql = (
            "SELECT j.id, j.created_at, j.provider, j.capability, j.state, j.pages, j.percent,"  # noqa: S608
            " j.task_id, j.error, COUNT(i.position) AS items, MIN(i.input) AS input"
            f" FROM jobs j LEFT JOIN items i ON i.job_id = j.id{condition}"
            " GROUP BY j.id ORDER BY j.created_at DESC, j.id"
        )
        with self._lock:
            cursor = self._db.execute(sql, args)
            keys = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        found = [dict(zip(keys, row, strict=True)) for row in rows]
        for row in found:
            if isinstance(row["input"], bytes) or isinstance(row["error"], bytes):
                row.update(input=_from_db(row["input"]), error=_from_db(row["error"]))
        return found

    def reusable(self, fingerprint: str) -> Item | None:
        """The latest completed item with this fingerprint whose saved files are all
        still on disk and unchanged (checked by SHA-256)."""
        from transhub.files import file_digest

        with self._lock:
            rows = self._db.execute(
                "SELECT i.* FROM items i JOIN jobs j ON j.id = i.job_id WHERE i.fingerprint = ?"
                " AND i.state IN ('completed', 'reused') ORDER BY j.updated_at DESC",
                (fingerprint,),
            ).fetchall()
        for row in rows:
            outputs = json.loads(row["outputs"])
            if outputs and all(
                Path(o["path"]).is_file() and file_digest(Path(o["path"])) == o["sha256"]
                for o in outputs.values()
            ):
                return Item(
                    position=row["position"],
                    input=_from_db(row["input"]),
                    fingerprint=row["fingerprint"],
                    plan=json.loads(row["plan"]),
                    state=row["state"],
                    outputs=outputs,
                    artifacts=json.loads(row["artifacts"]),
                )
        return None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def open_journal(data_dir: Path | None = None) -> Journal:
    """The journal in transhub's data folder (``TRANSHUB_HOME/data`` when set)."""
    from transhub import paths

    return Journal((data_dir or paths.data_dir()) / "jobs.db")
