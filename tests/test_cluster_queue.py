"""The queue of cluster mode on a real PostgreSQL: two submitters of overlapping work
enqueue at once (the three-worker test's two submitters, tightened) and every job
waits in the queue exactly once; a queue that refuses a job is a transient error
(exit 9) that names the database's reason and says the jobs are in the journal — it
was "internal error: ConnectorException: Database error."."""

from __future__ import annotations

import secrets
import threading

import pytest


@pytest.fixture
def queue_url(postgres_url: str) -> str:
    """A new database with procrastinate's schema, as `transhub journal migrate` makes."""
    import psycopg
    from transhub.cluster.queue import apply_schema

    name = f"queue_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    url = postgres_url.rsplit("/", 1)[0] + "/" + name
    apply_schema(url)
    return url


def test_overlapping_submitters_enqueue_each_job_once(queue_url: str) -> None:
    import psycopg
    from transhub.cluster.queue import enqueue, make_app

    rounds, size = 10, 40
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def submitter(offset: int, reverse: bool) -> None:
        app = make_app(queue_url).open()
        try:
            for n in range(rounds):
                ids = [f"job-{n}-{i:03d}" for i in range(offset, offset + size)]
                jobs = [(job, "fanyigou", 0) for job in (reversed(ids) if reverse else ids)]
                start.wait(timeout=30) if n == 0 else None
                enqueue(app, jobs)
        except BaseException as exc:
            failures.append(exc)
        finally:
            app.close()

    threads = [
        threading.Thread(target=submitter, args=(0, False)),
        threading.Thread(target=submitter, args=(size // 2, True)),  # half overlaps
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not failures, failures
    with psycopg.connect(queue_url) as db:
        rows = db.execute(
            "SELECT queueing_lock, count(*) FROM procrastinate_jobs GROUP BY queueing_lock"
        ).fetchall()
    assert len(rows) == rounds * (size + size // 2)
    assert {count for _, count in rows} == {1}


def test_a_queue_that_refuses_jobs_is_a_transient_error_naming_the_reason(
    queue_url: str,
) -> None:
    import psycopg
    from transhub.cluster.queue import enqueue, make_app
    from transhub.errors import EXIT_CODES, TransientError

    with psycopg.connect(queue_url, autocommit=True) as db:
        db.execute("DROP TABLE procrastinate_jobs CASCADE")  # the database refuses every job
    app = make_app(queue_url).open()
    try:
        for jobs in ([("job-1", "fanyigou", 0)], [("job-2", "fanyigou", 0), ("job-3", "deepl", 1)]):
            with pytest.raises(TransientError) as refused:
                enqueue(app, jobs)
            message = refused.value.message
            assert "the queue in PostgreSQL refused job" in message
            assert "procrastinate_jobs" in message and "run the same command again" in message
            assert "\n" not in message and EXIT_CODES[refused.value.kind] == 9
    finally:
        app.close()


def test_a_waiting_entry_of_a_task_running_remotely_is_raised_to_priority_one(
    queue_url: str,
) -> None:
    """The reconciler's repair for an entry queued while its job still waited to be
    submitted (priority 0): once its task runs remotely it must be fetched first, or
    workers whose slots all wait for channels never give one up to adopt it."""
    import psycopg
    from transhub.cluster.queue import enqueue, make_app, raise_priority

    app = make_app(queue_url).open()
    try:
        enqueue(app, [("job-a", "fanyigou", 0), ("job-b", "fanyigou", 0)])
    finally:
        app.close()
    assert raise_priority(queue_url, ["job-a", "job-unknown"]) == 1
    assert raise_priority(queue_url, ["job-a"]) == 0  # already first
    with psycopg.connect(queue_url) as db:
        rows = dict(db.execute("SELECT args->>'job_id', priority FROM procrastinate_jobs"))
    assert rows == {"job-a": 1, "job-b": 0}
