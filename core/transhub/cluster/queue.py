"""The queue of cluster mode: procrastinate on the PostgreSQL database that also holds
the journal.

The journal is the truth; the queue only delivers job ids to workers.  A queued job
carries nothing but its journal id (``{"job_id": "…"}``): the request, the inputs and
the options are in the journal, and the credentials stay in each worker's settings.
Jobs are enqueued *after* the journal transaction that recorded them commits (an
outbox: procrastinate's ``defer`` uses its own connection), with
``queueing_lock=job_id``, so a job waits in the queue at most once however many
submitters or reconcilers enqueue it.  One queue per provider, named after it: a
worker started with ``--queue fanyigou`` serves only Fanyigou's jobs (the machine that
holds only those credentials).

procrastinate and psycopg are imported here only, and this module only from the
``worker`` and ``--queue`` code paths: ``transhub --help`` never loads them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import procrastinate

from transhub.extras import require

log = logging.getLogger("transhub.cluster")

#: The one task of the queue: run a journal job (by id) through the runner.
TASK = "transhub.run_job"
#: An advisory lock key (any constant): one process at a time applies the schema.
_SCHEMA_LOCK = 0x7472616E73687562  # "transhub"


def make_app(url: str) -> procrastinate.App:
    """A procrastinate app on the database at ``url`` (not opened)."""
    require("cluster", "psycopg", "procrastinate")
    import procrastinate

    return procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))


def has_schema(url: str) -> bool:
    """Whether procrastinate's tables exist in the database at ``url``."""
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        return bool(row and row[0])


def apply_schema(url: str) -> bool:
    """Create procrastinate's tables unless they exist (one process at a time, under an
    advisory lock); whether it created them.  Called by ``transhub journal migrate``
    and by ``transhub worker`` at start."""
    require("cluster", "psycopg", "procrastinate")
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            if has_schema(url):
                return False
            app = make_app(url)
            with app.open():
                app.schema_manager.apply_schema()
            return True
        finally:
            db.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


@contextlib.contextmanager
def opened(url: str) -> Iterator[procrastinate.App]:
    """A procrastinate app, open (synchronously) for a ``with`` block."""
    app = make_app(url)
    with app.open():
        yield app


def enqueue(app: procrastinate.App, jobs: Iterable[tuple[str, str, int]]) -> int:
    """Put each ``(job_id, provider, priority)`` on its provider's queue unless it
    already waits there; how many were put.  Only the id travels: never a secret,
    never an input.  Higher priorities are fetched first: a job whose task already
    runs remotely holds a channel, and must not wait behind jobs that wait for one."""
    from procrastinate.exceptions import AlreadyEnqueued, ConnectorException

    # In the same order in every submitter: two submissions of overlapping work wait
    # for each other's queueing locks instead of deadlocking on them.
    jobs = sorted(jobs)
    if len(jobs) > 1:
        # One statement for all (a submission's chunk); if one of them waits in the
        # queue already, none was put, and they are put one by one below.  So too if
        # the statement failed (PostgreSQL's deadlock detector, say): one by one, a
        # job either goes in or is found waiting, and a database that is really down
        # fails there.
        with contextlib.suppress(AlreadyEnqueued, ConnectorException):
            app.job_manager.batch_defer_jobs(
                jobs=[
                    app.configure_task(
                        TASK, queue=provider, queueing_lock=job_id, priority=priority
                    ).make_new_job(job_id=job_id)
                    for job_id, provider, priority in jobs
                ]
            )
            return len(jobs)
    count = 0
    for job_id, provider, priority in jobs:
        try:
            app.configure_task(TASK, queue=provider, queueing_lock=job_id, priority=priority).defer(
                job_id=job_id
            )
        except AlreadyEnqueued:
            continue  # waiting in the queue already: at most once
        except ConnectorException as exc:
            from transhub.errors import TransientError

            cause = str(exc.__cause__ or exc).strip().splitlines() or ["a database error"]
            raise TransientError(
                f"the queue in PostgreSQL refused job {job_id} ({cause[0]}); the jobs are "
                "in the journal: run the same command again to queue them (nothing is "
                "sent twice)"
            ) from exc
        count += 1
    return count


def priority(state: str) -> int:
    """The queue priority of a job in ``state``: a task that runs remotely first."""
    return 1 if state in ("running", "finished") else 0


def queued_ids(url: str, *, statuses: Sequence[str] = ("todo", "doing")) -> set[str]:
    """The journal ids of queue entries in these procrastinate statuses (``todo``:
    waiting for a worker; ``doing``: a worker took it — which says nothing of whether
    that worker still lives)."""
    import psycopg

    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT args->>'job_id' FROM procrastinate_jobs"
            " WHERE task_name = %s AND status::text = ANY(%s)",
            (TASK, list(statuses)),
        ).fetchall()
    return {row[0] for row in rows if row[0]}


def raise_priority(url: str, job_ids: Sequence[str]) -> int:
    """Put the waiting queue entries of these jobs (their tasks run remotely now) at
    priority 1; how many changed.  An entry enqueued while its job still waited to
    be submitted keeps priority 0, and its queueing lock keeps a second entry out:
    a killed worker's running task then looked like any waiting job, and workers
    whose slots all waited for the channels it held never gave a slot up to adopt it."""
    if not job_ids:
        return 0
    import psycopg

    with psycopg.connect(url) as db:
        cursor = db.execute(
            "UPDATE procrastinate_jobs SET priority = 1 WHERE status = 'todo'"
            " AND task_name = %s AND priority < 1 AND args->>'job_id' = ANY(%s)",
            (TASK, list(job_ids)),
        )
        return cursor.rowcount


def payloads(url: str) -> list[dict[str, Any]]:
    """Every queued job's arguments (what travels through the queue; for checks)."""
    import psycopg

    with psycopg.connect(url) as db:
        return [row[0] for row in db.execute("SELECT args FROM procrastinate_jobs").fetchall()]
