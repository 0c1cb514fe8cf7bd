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
import json
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

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
        one = median([_cluster_batch(bench, url, 1, count) for _ in range(runs)])
        four = median([_cluster_batch(bench, url, 4, count) for _ in range(runs)])
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


def _cluster_batch(bench: Bench, server_url: str, workers: int, count: int) -> float:
    """One batch through ``workers`` workers; seconds from the submit to the last
    result."""
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
            began = time.perf_counter()
            submitted = _check(
                [bench.transhub, "doc", "translate", *documents, "--to", "zh",
                 "--provider", "fanyigou", "--queue", "--json"], env,
            )  # fmt: skip
            ids = sorted({record["job_id"] for record in json.loads(submitted)})
            _check(
                [bench.transhub, "jobs", "wait", *ids, "-q", "--timeout", str(BATCH_TIMEOUT)], env
            )
            took = time.perf_counter() - began
        done = emulator.app.log.count("downloadFile")
        if done != count:
            raise RuntimeError(f"{done} of {count} documents were downloaded")
    return took


def _check(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=BATCH_TIMEOUT + 60, check=False
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        raise RuntimeError(f"`transhub {' '.join(argv[1:3])}` exited {done.returncode}")
    return done.stdout
