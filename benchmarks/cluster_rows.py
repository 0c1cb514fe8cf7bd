"""Rows 30 and 31: cluster mode's throughput (issue 15).

``cluster_documents`` small documents submitted with ``doc translate --queue`` to a
PostgreSQL journal (a throw-away server, :mod:`transhub.testing.postgres`) and run by
1 and by 4 ``transhub worker`` processes against the Fanyigou emulator with 8 channels;
timed from the submit to the end of ``transhub jobs wait`` (the workers are started and
serving before the clock starts).  The bound is the channels' own: ceil(N / 8) waves
of the task duration D.  Target: within 1.1× of it with 1 worker (the work is I/O
bound: threads wait on the provider), and no worse with 4.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import emulators
from measure import median
from rows import Bench, Row, seconds

CHANNELS = 8
#: Jobs each worker runs at once: twice the channels, so that the next jobs' uploads
#: (Fanyigou counts pages on an upload that costs nothing) are done while the tasks
#: run, and a channel given back starts the next task at once.
CONCURRENCY = 2 * CHANNELS
TARGET = 1.1
#: Bounded waits of the row (seconds): a worker's start, the whole batch.
START_TIMEOUT = 60.0
BATCH_TIMEOUT = 900.0


def cluster_rows(bench: Bench) -> list[Row]:
    """Rows 30 and 31 (see the module docstring)."""
    from transhub.testing.postgres import PostgresUnavailable, postgres_server

    count, d = bench.s.cluster_documents, bench.s.task_seconds
    bound = -(-count // CHANNELS) * d
    what = f"{count} documents, {CHANNELS} channels, D = {d:g} s, --queue"
    try:
        server = contextlib.ExitStack()
        url = server.enter_context(postgres_server()).url
    except PostgresUnavailable as exc:
        bench.notes.append(f"Rows 30–31 were not measured: {exc}.")
        return [
            Row(30, f"{what}, 1 worker", "not measured", "—", "—", f"≤ {TARGET:g}×", None),
            Row(31, f"{what}, 4 workers", "not measured", "—", "—", "≤ row 30", None),
        ]
    with server:
        runs = max(1, min(bench.s.runs, 2))  # each run is ceil(N/8)·D long
        ones = [_cluster_batch(bench, url, 1, count) for _ in range(runs)]
        fours = [_cluster_batch(bench, url, 4, count) for _ in range(runs)]
        one, four = median([t for t, _ in ones]), median([t for t, _ in fours])
    bench.notes.append(
        f"Rows 30–31, where the time beyond the bound goes (from the emulator's task starts "
        f"and status requests; the submit's own time; queue entries, 1 per job unless a job "
        f"was handed back): {'; '.join(said for _, said in ones + fours)}."
    )
    baseline = f"channel bound ceil({count}/{CHANNELS})·D = {seconds(bound)}"
    return [
        Row(30, f"{what}, 1 worker (--concurrency {CONCURRENCY})", seconds(one), baseline,
            f"{one / bound:.2f}×" if d else "—", f"≤ {TARGET:g}×",
            one <= TARGET * bound if d else None),
        Row(31, f"{what}, 4 workers (--concurrency {CONCURRENCY} each)", seconds(four),
            f"1 worker {seconds(one)}; {baseline}", f"{four / bound:.2f}×" if d else "—",
            f"≤ {TARGET:g}×, no worse than 1 worker",
            four <= TARGET * bound and four <= one * 1.05 if d else None),
    ]  # fmt: skip


def _database(server_url: str) -> str:
    import psycopg

    name = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


@contextlib.contextmanager
def _workers(bench: Bench, env: dict[str, str], count: int) -> Iterator[None]:
    """``count`` workers, each serving before the block starts; stopped after it."""
    started = [
        subprocess.Popen(
            [bench.transhub, "worker", "--concurrency", str(CONCURRENCY)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for process in started:
            ready = threading.Event()

            def read(
                process: subprocess.Popen[str] = process, ready: threading.Event = ready
            ) -> None:
                assert process.stderr is not None
                for line in process.stderr:
                    if "serving" in line:
                        ready.set()

            threading.Thread(target=read, daemon=True).start()
            if not ready.wait(START_TIMEOUT):
                raise RuntimeError("a transhub worker did not start serving")
        yield
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _cluster_batch(bench: Bench, server_url: str, workers: int, count: int) -> tuple[float, str]:
    """One batch through ``workers`` workers: seconds from the submit to the last
    result, and where they went (see :class:`Gaps`)."""
    url = _database(server_url)
    home = bench.folder("cluster-home")
    documents = [str(p) for p in bench.documents(count)]
    with emulators.fanyigou(task_seconds=bench.s.task_seconds, channels=CHANNELS) as emulator:
        env = bench.env(home, emulator.environment)
        env.update(
            {
                "TRANSHUB_JOURNAL_URL": url,
                "TRANSHUB_RESULTS_DIR": str(bench.folder("cluster-results")),
                "TRANSHUB_FANYIGOU_CHANNELS": str(CHANNELS),
            }
        )
        _check([bench.transhub, "journal", "migrate"], env)
        with _workers(bench, env, workers):
            began, wall = time.perf_counter(), time.time()
            submitted = _check(
                [bench.transhub, "doc", "translate", *documents, "--to", "zh",
                 "--provider", "fanyigou", "--queue", "--json"], env,
            )  # fmt: skip
            ids = sorted({record["job_id"] for record in json.loads(submitted)})
            queued = time.time()
            _check(
                [bench.transhub, "jobs", "wait", *ids, "-q", "--timeout", str(BATCH_TIMEOUT)], env
            )
            took = time.perf_counter() - began
        done = emulator.app.log.count("downloadFile")
        if done != count:
            raise RuntimeError(f"{done} of {count} documents were downloaded")
        gaps = channel_gaps(emulator.app, bench.s.task_seconds, wall, wall + took)
    said = (
        f"{workers} worker{'s' if workers > 1 else ''} {took:.1f} s: submit {queued - wall:.1f} s, "
        f"{gaps}, {_queue_entries(url)} queue entries"
    )
    print(f"rows 30-31, {said}", file=sys.stderr)
    return took, said


@dataclass(frozen=True)
class Gaps:
    """Where a batch's time went beyond its channels' bound, from the emulator's own
    request times: ``first`` the first task's start after the clock started; per
    hand-off of a channel (a task finished, the next task started on it), ``seen`` the
    mean wait until the client's status request saw it finished and ``handoff`` the
    mean wait from that request to the next task's start; ``tail`` from the last
    task's end to the end of the clock."""

    first: float
    seen: float
    handoff: float
    tail: float

    def __str__(self) -> str:
        return (
            f"first task {self.first:.2f} s after the start; per hand-off: seen done "
            f"{self.seen * 1000:.0f} ms late, next task {self.handoff * 1000:.0f} ms after; "
            f"tail {self.tail:.2f} s"
        )


def channel_gaps(emulator: Any, duration: float, began: float, ended: float) -> Gaps:
    """The :class:`Gaps` of a batch (wall-clock ``began`` to ``ended``) from the
    emulator's tasks (their start, on its monotonic clock) and its request log (each
    status request's time): a task starts on the channel that was free first (the
    emulator starts a task only on a free channel)."""
    offset = time.time() - time.monotonic()
    polls: dict[str, list[float]] = {}
    for record in emulator.log.records("queryTransProgress"):
        polls.setdefault(record.fields.get("tid", ""), []).append(record.time)
    tasks = emulator.service.tasks.values()
    starts = sorted((t.started + offset, t.tid) for t in tasks if t.started is not None)
    free: list[tuple[float, float]] = []  # (finished, seen finished) of each channel's task
    seen_waits: list[float] = []
    handoffs: list[float] = []
    for start, tid in starts:
        if len(free) >= CHANNELS:
            finished, seen = heapq.heappop(free)
            seen_waits.append(seen - finished)
            handoffs.append(start - seen)
        end = start + duration
        later = [t for t in polls.get(str(tid), []) if t >= end]
        heapq.heappush(free, (end, min(later) if later else end))
    last = max((end for end, _ in free), default=began)
    return Gaps(
        first=starts[0][0] - began if starts else 0.0,
        seen=sum(seen_waits) / len(seen_waits) if seen_waits else 0.0,
        handoff=sum(handoffs) / len(handoffs) if handoffs else 0.0,
        tail=ended - last,
    )


def _queue_entries(url: str) -> int:
    """How many procrastinate jobs the batch made (a job handed back to the queue is
    one more)."""
    import psycopg

    with psycopg.connect(url) as db:
        row = db.execute("SELECT COUNT(*) FROM procrastinate_jobs").fetchone()
    return int(row[0]) if row else 0


def _check(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=BATCH_TIMEOUT + 60, check=False
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        raise RuntimeError(f"`transhub {' '.join(argv[1:3])}` exited {done.returncode}")
    return done.stdout
