"""The journal's operations on jobs, items and results, on either backend
(:mod:`transhub.journal.backend`)."""

from __future__ import annotations

import dataclasses
import enum
import json
import secrets
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.capabilities.kinds import Capability
from transhub.errors import InputError, NotFoundError
from transhub.jobs.batches import BatchStore
from transhub.jobs.channels import ChannelStore
from transhub.jobs.claims import ClaimStore
from transhub.jobs.model import Item, ItemStatus, Job, JobState, now
from transhub.journal.backend import (
    Backend,
    Connection,
    Location,
    from_db,
    open_backend,
    parse_location,
)
from transhub.journal.outputs import OutputStore

#: The columns of a job row that are fields of :class:`Job`.
_JOB_COLUMNS = frozenset(f.name for f in dataclasses.fields(Job)) - {"items"}

if TYPE_CHECKING:
    from transhub.jobs.requests import JobRequest


def _item(row: Any) -> Item:
    return Item(
        position=row["position"],
        input=from_db(row["input"]),
        fingerprint=row["fingerprint"],
        plan=json.loads(row["plan"]),
        input_size=row["input_size"],
        input_sha256=row["input_sha256"],
        state=ItemStatus(row["state"]),
        code=row["code"],
        message=from_db(row["message"]),
        artifacts=json.loads(row["artifacts"]),
        outputs=json.loads(row["outputs"]),
    )


def _absolute(name: str) -> str:
    """An input as the journal records it: a file as an absolute path (a relative one
    would mean nothing to ``jobs list`` run in another folder), a URL as it is."""
    if "://" in name or not name:
        return name
    return str(Path(name).absolute())


class Journal(ClaimStore, BatchStore, ChannelStore, OutputStore):
    """The journal at ``target``: a SQLite file (a :class:`~pathlib.Path`, or a
    ``sqlite:///path`` URL) or a PostgreSQL database (a ``postgresql://`` URL).

    A SQLite file is created on first use and brought up to date as it opens; a
    PostgreSQL database must have been migrated (``transhub journal migrate``)
    unless ``migrate=False``.  One connection per instance, guarded by a lock, so
    threads of one process may share it; other processes use their own instances.
    """

    def __init__(self, target: Path | str | Location, *, migrate: bool = True) -> None:
        location = target if isinstance(target, Location) else parse_location(target)
        self.location = location
        #: The SQLite file (``None`` for PostgreSQL).
        self.path = location.path
        self.backend: Backend = open_backend(location, migrate=migrate)
        #: Whether :meth:`close` was called.
        self.closed = False

    @property
    def shown(self) -> str:
        """Where this journal is, as a message names it (a password masked)."""
        return self.location.shown

    def close(self) -> None:
        """Close the connection."""
        self.closed = True
        self.backend.close()

    def _write(self, action: Any, *, durable: bool = False) -> Any:
        return self.backend.write(action, durable=durable)

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        return self.backend.read(sql, args)

    # -- writing -------------------------------------------------------------------

    def create(
        self,
        *,
        provider: str,
        capability: str,
        request: JobRequest,
        items: Sequence[Item],
        state: JobState = JobState.SUBMITTING,
        message: str = "",
        batch_id: str | None = None,
    ) -> Job:
        """Record a new job in one transaction: in ``submitting`` before anything is
        sent, or — a reuse — ``completed`` at once with its items' outputs."""
        job_id: str = self._write(
            lambda db: self._insert(
                db, provider, capability, request, items, state, message, batch_id
            )
        )
        return self.get(job_id)

    def _insert(
        self,
        db: Connection,
        provider: str,
        capability: str,
        request: JobRequest,
        items: Sequence[Item],
        state: JobState = JobState.SUBMITTING,
        message: str = "",
        batch_id: str | None = None,
        stamp: str | None = None,
        owner: str | None = None,
        lease_until: float | None = None,
    ) -> str:
        from transhub.jobs.requests import request_json  # pydantic: not for `jobs list`

        stamp = stamp or now()
        percent = 100.0 if state is JobState.COMPLETED else None
        row = (stamp, stamp, provider, capability, state.value, request_json(request), message,
               percent, batch_id, owner, lease_until)  # fmt: skip
        job_id = self._new_id(db, row)
        path, text = self.backend.path_value, self.backend.text_value
        db.executemany(
            "INSERT INTO items (job_id, position, input, input_size, input_sha256, fingerprint,"
            " plan, state, code, message, artifacts, outputs)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (job_id, item.position, path(_absolute(item.input)), item.input_size,
                 item.input_sha256, item.fingerprint, json.dumps(item.plan), str(item.state),
                 item.code, text(item.message), json.dumps(item.artifacts),
                 json.dumps(item.outputs))
                for item in items
            ],
        )  # fmt: skip
        for item in items:
            if item.outputs:
                self._index_outputs(db, job_id, item.fingerprint, item.outputs)
        return job_id

    def _index_outputs(
        self, db: Connection, job_id: str, fingerprint: str, outputs: dict[str, Any]
    ) -> None:
        """Remember saved results by path (so a folder's own results are recognised)."""
        db.executemany(
            "INSERT INTO outputs (path, sha256, fingerprint, job_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256,"
            " fingerprint = excluded.fingerprint, job_id = excluded.job_id",
            [
                (self.backend.path_value(o["path"]), o["sha256"], fingerprint, job_id)
                for o in outputs.values()
            ],
        )

    @staticmethod
    def _new_id(db: Connection, row: tuple[Any, ...]) -> str:
        """Insert the job ``row`` (its columns after ``id``) under a new id; the id.

        Ids are short enough to type and random, so that ids from several processes
        never clash; the rare id already taken is drawn again.  The insert itself is
        the check (``ON CONFLICT DO NOTHING``, on either backend): a separate lookup
        first descended the id index once more for every new job (issue 17)."""
        while True:
            candidate = secrets.token_hex(4)
            inserted = db.execute(
                "INSERT INTO jobs (id, created_at, updated_at, provider, capability, state,"
                " request, message, percent, batch_id, owner, lease_until)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (candidate, *row),
            )
            if inserted.rowcount == 1:
                return candidate

    _JOB_FIELDS = frozenset(
        {
            "provider",
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
            "sending_at",
            "owner",
            "lease_until",
            "batch_id",
            "billed_characters",
            "attempts",
            "request",
        }
    )

    def update(self, job_id: str, **fields: Any) -> None:
        """Change a job's columns (``state`` may be a :class:`JobState`, ``request``
        is a :data:`~transhub.jobs.requests.JobRequest`)."""
        sql, values = self._job_assignments(fields)
        self._write(lambda db: db.execute(sql, (*values, job_id)))

    def _job_assignments(self, fields: dict[str, Any]) -> tuple[str, list[Any]]:
        """The ``UPDATE jobs ... WHERE id = ?`` statement changing ``fields`` (and
        ``updated_at``; a ``request`` stored as its JSON), and its values but the id."""
        unknown = set(fields) - self._JOB_FIELDS
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        if "request" in fields:
            from transhub.jobs.requests import request_json

            fields["request"] = request_json(fields["request"])
        text = self.backend.text_value
        values = {k: text(v.value if isinstance(v, enum.Enum) else v) for k, v in fields.items()}
        if "attempts" in values:
            values["attempts"] = json.dumps(values["attempts"])
        values["updated_at"] = now()
        assignments = ", ".join(f"{name} = ?" for name in values)
        sql = f"UPDATE jobs SET {assignments} WHERE id = ?"  # noqa: S608 - names come from the allow-list above
        return sql, list(values.values())

    def update_item(
        self, job_id: str, position: int, *, job_state: JobState | None = None, **fields: Any
    ) -> None:
        """Change one item's columns (``artifacts`` and ``outputs`` are dicts); saved
        outputs are indexed by path, so transhub knows its own results.  ``job_state``
        moves the job to that state in the same transaction (a job's last item done:
        its outputs and its completion are one write)."""
        self._write(self._item_change(job_id, position, fields, job_state))

    def update_items(self, job_id: str, changes: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Several items' changes (``(position, fields)``, fields as :meth:`update_item`
        takes them) in one transaction: a task's per-image results are one write."""
        steps = [self._item_change(job_id, position, fields) for position, fields in changes]

        def change(db: Connection) -> None:
            for step in steps:
                step(db)

        if steps:
            self._write(change)

    def _item_change(
        self,
        job_id: str,
        position: int,
        fields: dict[str, Any],
        job_state: JobState | None = None,
    ) -> Callable[[Connection], None]:
        """The statements of one :meth:`update_item`, to run in a transaction."""
        allowed = {"state", "code", "message", "artifacts", "outputs", "plan"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown item fields: {sorted(unknown)}")
        values = {
            k: self.backend.text_value(
                json.dumps(v) if isinstance(v, dict) else v.value if isinstance(v, enum.Enum) else v
            )
            for k, v in fields.items()
        }
        assignments = ", ".join(f"{name} = ?" for name in values)
        sql = f"UPDATE items SET {assignments} WHERE job_id = ? AND position = ?"  # noqa: S608 - allow-listed names

        def change(db: Connection) -> None:
            db.execute(sql, (*values.values(), job_id, position))
            if job_state is None:
                db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (now(), job_id))
            else:
                db.execute(
                    "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?",
                    (job_state.value, now(), job_id),
                )
            if fields.get("outputs"):
                row = db.execute(
                    "SELECT fingerprint FROM items WHERE job_id = ? AND position = ?",
                    (job_id, position),
                ).fetchone()
                self._index_outputs(db, job_id, row["fingerprint"], fields["outputs"])

        return change

    def expect_output(self, path: Path, sha256: str, fingerprint: str, job_id: str) -> None:
        """Record a result's path and SHA-256 just before the file is moved there (see
        :func:`~transhub.jobs.placement.place`).  ``path`` is resolved already: the
        destination an item's plan recorded (resolved once, at planning)."""
        saved = {"path": str(path), "sha256": sha256}
        self._write(lambda db: self._index_outputs(db, job_id, fingerprint, {"result": saved}))

    def forget(self, job_ids: Sequence[str]) -> int:
        """Delete jobs (and their items); return how many were deleted."""
        return int(
            self._write(
                lambda db: sum(
                    db.execute("DELETE FROM jobs WHERE id = ?", (i,)).rowcount for i in job_ids
                )
            )
        )

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
        sql = f"DELETE FROM jobs WHERE updated_at < ? AND state IN ({marks})"  # noqa: S608 - placeholders only
        return int(self._write(lambda db: db.execute(sql, (cutoff, *finals)).rowcount))

    # -- reading -------------------------------------------------------------------

    def get(self, job_id: str) -> Job:
        """The job with this id, or a unique id prefix, in any case (ids are lower-case
        hex; a primary-key range, not a scan).  An empty id is a usage error."""
        if not job_id.strip():
            from transhub.errors import UsageError

            raise UsageError("a job id is empty: give an id or its first characters")
        job_id = job_id.strip().lower()
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
            shown = ", ".join(r["id"] for r in rows[:5])
            if len(rows) > 5:  # only the first six were read: count the rest
                total = self._read(
                    "SELECT COUNT(*) AS n FROM jobs WHERE id >= ? AND id < ?",
                    (job_id, job_id + "\U0010ffff"),
                )[0]["n"]
                shown += f" and {int(total) - 5} more"
            raise InputError(f"job id {job_id!r} is ambiguous: {shown}")
        return self._job(rows[0])

    def providers(self) -> list[str]:
        """The providers of the jobs in the journal."""
        rows = self._read("SELECT DISTINCT provider FROM jobs ORDER BY provider")
        return [str(row["provider"]) for row in rows]

    def state_of(self, job_id: str) -> tuple[JobState, str | None, float | None]:
        """A job's state, owner and lease (cheap: for waiting on another process)."""
        rows = self._read("SELECT state, owner, lease_until FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            raise NotFoundError(f"no job {job_id!r} in the journal")
        return JobState(rows[0]["state"]), rows[0]["owner"], rows[0]["lease_until"]

    def _job(self, row: Any) -> Job:
        items = [
            _item(r)
            for r in self._read(
                "SELECT * FROM items WHERE job_id = ? ORDER BY position", (row["id"],)
            )
        ]
        data = {key: from_db(value) for key, value in dict(row).items() if key in _JOB_COLUMNS}
        data["state"] = JobState(data["state"])
        data["capability"] = Capability(data["capability"])
        from transhub.jobs.requests import parse_request  # pydantic: not for `jobs list`

        data["request"] = parse_request(data["id"], data["capability"], data["request"])
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
            f" AS input FROM jobs j{condition}"
            f" ORDER BY j.created_at DESC, j.{self.backend.row_order} DESC"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        # The rows stream while this journal's own connection stays free for writes.
        yield from self.backend.stream(sql, args)

    def state_counts(self) -> dict[str, int]:
        """How many jobs are in each state (states with none left out)."""
        rows = self._read("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state ORDER BY state")
        return {row["state"]: int(row["n"]) for row in rows}

    def item(self, job_id: str, position: int) -> Item:
        """One item of a job."""
        rows = self._read(
            "SELECT * FROM items WHERE job_id = ? AND position = ?", (job_id, position)
        )
        if not rows:
            raise NotFoundError(f"no item {position} in job {job_id!r}")
        return _item(rows[0])


def open_journal(
    data_dir: Path | None = None, *, url: str | None = None, migrate: bool = True
) -> Journal:
    """The journal ``journal.url`` names (``url``; else the setting in force), or
    ``jobs.db`` in transhub's data folder (``TRANSHUB_HOME/data`` when set)."""
    if url is None and data_dir is None:
        url = configured_url()
    return Journal(parse_location(url, data_dir), migrate=migrate)


def configured_url() -> str | None:
    """The ``journal.url`` setting in force (``TRANSHUB_JOURNAL_URL``, the config file)."""
    from transhub.journal.location import journal_url

    return journal_url({})
