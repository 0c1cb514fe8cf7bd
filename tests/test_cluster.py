"""Cluster mode in real processes: PostgreSQL (the kit's ``postgres_url``), three
``transhub worker`` processes and two submitters against the emulators, one worker
SIGKILLed mid-run and one stopped with SIGTERM and started again.  Counted at the
emulators: every input paid once, never a "channel busy" (320) answer."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from transhub.emulation import EmulatorServer
from transhub.testing import isolated_environment, make_pdf
from transhub.testing.processes import run, spawn, wait_until

from transhub_alibaba.client import SUBMIT as ALIBABA_SUBMIT
from transhub_alibaba.emulator import EmulatorOptions as AlibabaOptions
from transhub_alibaba.emulator import create_emulator
from transhub_alibaba.sandbox import TEST_ACCESS_KEY_SECRET
from transhub_alibaba.sandbox import environment as alibaba_environment
from transhub_fanyigou.emulator import TEST_PRIVATE_KEY, FanyigouEmulator
from transhub_fanyigou.emulator import EmulatorOptions as FanyigouOptions
from transhub_fanyigou.sandbox import environment as fanyigou_environment

#: Every wait of this file is bounded by this (seconds).
DEADLINE = 60.0
CHANNELS = 2
TASK_SECONDS = 0.4


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BusyCounter:
    """Wraps an emulator: counts the answers that say "channel busy" (code 320)."""

    BUSY = re.compile(rb'"code"\s*:\s*"?320\b')

    def __init__(self, app: Any) -> None:
        self.app = app
        self.busy = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = b"".join(self.app(environ, start_response))
        if self.BUSY.search(body[:200]):
            with self._lock:
                self.busy += 1
        return [body]


def fresh_database(server_url: str) -> str:
    """A new, empty database on the session's server; its URL."""
    import psycopg

    name = f"cluster_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


class Cluster:
    """The processes of one test, all killed at the end whatever happened."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.processes: list[subprocess.Popen[str]] = []

    def machine(self, name: str) -> dict[str, str]:
        """The environment of one "machine": its own TRANSHUB_HOME (its own data
        folder and settings), the shared database and results store."""
        env = dict(self.env)
        env["TRANSHUB_HOME"] = str(self.root / name)
        return env

    def start(self, name: str, *argv: str) -> subprocess.Popen[str]:
        process = spawn(*argv, env=self.machine(name))
        self.processes.append(process)
        return process

    def run(self, name: str, *argv: str) -> subprocess.CompletedProcess[str]:
        return run(*argv, env=self.machine(name), timeout=DEADLINE)

    def diagnose(self, database: str) -> str:
        """What the journal, the queue and the workers say (for a failure's message)."""
        lines = ["", "live jobs:"]
        lines += map(str, journal_rows(
            database,
            "SELECT id, state, owner, lease_until, sending_at, error FROM jobs"
            " WHERE state NOT IN ('completed')",
        ))  # fmt: skip
        queue = "SELECT args, status, priority FROM procrastinate_jobs WHERE status != 'succeeded'"
        lines += ["queue:", *map(str, journal_rows(database, queue))]
        lines += ["channels:", *map(str, journal_rows(database, "SELECT * FROM channels"))]
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                _, err = process.communicate(timeout=20)
            except (subprocess.TimeoutExpired, ValueError):
                process.kill()
                err = ""
            lines.append(f"process {process.pid} {process.args[3:5]}: {(err or '')[-1500:]}")
        return "\n".join(lines)

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def database(postgres_url: str) -> str:
    return fresh_database(postgres_url)


@pytest.fixture
def emulators() -> Iterator[tuple[FanyigouEmulator, Any, BusyCounter, BusyCounter, dict[str, str]]]:
    fanyigou = FanyigouEmulator(FanyigouOptions(task_seconds=TASK_SECONDS, channels=CHANNELS))
    alibaba = create_emulator(AlibabaOptions(task_seconds=TASK_SECONDS))
    fanyigou_busy, alibaba_busy = BusyCounter(fanyigou), BusyCounter(alibaba)
    with EmulatorServer(fanyigou_busy) as f_server, EmulatorServer(alibaba_busy) as a_server:
        env = {**fanyigou_environment(f_server.url), **alibaba_environment(a_server.url)}
        yield fanyigou, alibaba, fanyigou_busy, alibaba_busy, env
    fanyigou.close()


@pytest.fixture
def cluster(tmp_path: Path, database: str, emulators: Any) -> Iterator[Cluster]:
    env = isolated_environment(tmp_path / "home", plugins="fanyigou,alibaba")
    env.update(emulators[4])
    env.update(
        {
            "TRANSHUB_JOURNAL_URL": database,
            "TRANSHUB_RESULTS_DIR": str(tmp_path / "shared-results"),
            "TRANSHUB_FANYIGOU_CHANNELS": str(CHANNELS),
            "TRANSHUB_FANYIGOU_WAIT_INTERVAL": "0.05",
            "TRANSHUB_POLL_INTERVAL": "0.05",
            "TRANSHUB_POLL_MAX_INTERVAL": "0.2",
        }
    )
    running = Cluster(tmp_path, env)
    try:
        migrated = running.run("admin", "journal", "migrate")
        if "no such command 'journal'" in migrated.stderr.lower():
            pytest.skip("the PostgreSQL journal (`transhub journal migrate`) is not merged yet")
        assert migrated.returncode == 0, migrated.stderr
        yield running
    finally:
        running.close()


def journal_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def make_documents(folder: Path) -> tuple[list[Path], set[str]]:
    """40 documents, 8 of them copies of others (duplicates by content)."""
    folder.mkdir(parents=True)
    paths = []
    for n in range(40):
        body = f"document {n % 32}\nthe second line of {n % 32}\n"
        path = folder / f"doc{n:02d}.txt"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths, {sha(p.read_bytes()) for p in paths}


def test_three_workers_two_submitters_one_killed_one_restarted(
    cluster: Cluster, emulators: Any, database: str, tmp_path: Path
) -> None:
    fanyigou, alibaba, fanyigou_busy, alibaba_busy, _ = emulators
    documents, unique_documents = make_documents(tmp_path / "in")
    urls = [f"https://img.example.com/catalog/p{n:02d}.jpg" for n in range(60)]
    workers = [cluster.start(f"worker{n}", "worker", "--concurrency", "3") for n in range(3)]

    # Two submitters at once, overlapping: documents 0-24 and 15-39, URLs 0-39 and 20-59.
    def submit(name: str, docs: list[Path], images: list[str]) -> list[dict[str, Any]]:
        common = ["--queue", "--json"]
        doc = cluster.run(name, "doc", "translate", *map(str, docs), "--to", "zh",
                          "--provider", "fanyigou", *common)  # fmt: skip
        assert doc.returncode == 0, doc.stderr
        _valid(doc.stdout)
        img = cluster.run(name, "image", "translate", *images, "--to", "en",
                          "--provider", "alibaba", *common)  # fmt: skip
        assert img.returncode == 0, img.stderr
        _valid(img.stdout)
        return [*json.loads(doc.stdout), *json.loads(img.stdout)]

    records: dict[str, list[dict[str, Any]]] = {}

    def alice() -> None:
        records["a"] = submit("alice", documents[:25], urls[:40])

    def bob() -> None:
        records["b"] = submit("bob", documents[15:], urls[20:])

    threads = [threading.Thread(target=alice), threading.Thread(target=bob)]
    for thread in threads:
        thread.start()

    # SIGKILL a worker while it holds a running job (its task is paid for and runs at
    # the provider) — watched while the submitters still submit: warm workers may have
    # run every job by the time both are done — then SIGTERM another and start it again.
    pids = {str(w.pid): w for w in workers}
    held: list[tuple[str, str]] = []

    def running() -> list[tuple[str, str]]:
        rows = journal_rows(database, "SELECT id, owner FROM jobs WHERE state = 'running'")
        return [(job, owner.split("@")[0]) for job, owner in rows if owner]

    def running_job() -> bool:
        # Frozen (SIGSTOP) while it is looked at, so that it starts no paid request
        # between the look and the kill: a worker killed in the middle of a send leaves
        # that job "may have been submitted", for a person to decide (by design).
        for pid in {pid for _, pid in running() if pid in pids}:
            os.kill(int(pid), signal.SIGSTOP)
            held[:] = running()
            sending = journal_rows(
                database,
                "SELECT id FROM jobs WHERE state = 'submitting' AND sending_at IS NOT NULL"
                f" AND owner LIKE '{pid}@%'",
            )
            if not sending and any(p == pid for _, p in held):
                chosen.append(pid)
                return True
            os.kill(int(pid), signal.SIGCONT)
        return False

    chosen: list[str] = []
    wait_until(running_job, "a worker to hold a running job and send nothing")
    victim_pid = chosen[0]
    orphans = [job for job, pid in held if pid == victim_pid]
    victim = pids.pop(victim_pid)
    victim.kill()
    victim.wait(timeout=10)
    for thread in threads:
        thread.join(DEADLINE)
    assert set(records) == {"a", "b"}, "a submitter failed"
    submitted = [*records["a"], *records["b"]]
    assert all(r["job_id"] for r in submitted)
    # The same input is the same job whoever submitted it.
    by_input: dict[str, set[str]] = {}
    for record in submitted:
        by_input.setdefault(record["input"], set()).add(record["job_id"])
    assert all(len(ids) == 1 for ids in by_input.values()), by_input

    stopped = next(iter(pids.values()))
    stopped.send_signal(signal.SIGTERM)
    assert stopped.wait(timeout=DEADLINE) == 0
    assert "stopping" in stopped.stderr.read()  # type: ignore[union-attr]
    # It handed its claims back as it stopped: no live job is left in its name.
    assert not journal_rows(
        database,
        "SELECT id FROM jobs WHERE state IN ('submitting', 'running', 'finished')"
        f" AND owner LIKE '{stopped.pid}@%'",
    )
    cluster.start("restarted", "worker", "--concurrency", "3")

    job_ids = sorted({r["job_id"] for r in submitted})
    waited = cluster.run("carol", "jobs", "wait", *job_ids, "--json", "--timeout", "50")
    assert waited.returncode == 0, waited.stderr + cluster.diagnose(database)
    final = json.loads(waited.stdout)
    assert {r["state"] for r in final} == {"completed"}
    # The killed worker's running jobs were adopted by another worker, which polled and
    # downloaded them (the upload counts below show nothing was sent again).
    adopted = journal_rows(
        database, f"SELECT owner FROM jobs WHERE id IN ({', '.join(repr(j) for j in orphans)})"
    )
    assert adopted and all(not owner.startswith(f"{victim_pid}@") for (owner,) in adopted)

    # Each input paid exactly once, counted at the emulators.
    uploads = Counter(r.file_sha256 for r in fanyigou.log.uploads())
    assert set(uploads) == unique_documents and set(uploads.values()) == {1}, uploads
    assert fanyigou.log.count("submitForDetectDoc") + fanyigou.log.count("uploadTranslate") == 32
    paid = Counter(
        url for r in alibaba.log.records(ALIBABA_SUBMIT) for url in r.fields["ImageUrls"].split(",")
    )
    assert set(paid) == set(urls) and set(paid.values()) == {1}
    assert fanyigou_busy.busy == 0 and alibaba_busy.busy == 0

    # Every result written once, in the results store, with the recorded SHA-256.
    store = tmp_path / "shared-results"
    written = [p for p in store.rglob("*") if p.is_file() and p.parent.name != "inputs"]
    assert not [p for p in written if p.name.startswith(".")]  # no partial files
    assert len(written) == 32 + 60
    recorded = journal_rows(
        database,
        "SELECT i.outputs FROM items i JOIN jobs j ON j.id = i.job_id WHERE j.message != 'reused'",
    )
    saved = [out for (outputs,) in recorded for out in _outputs(outputs)]
    assert len(saved) == 32 + 60
    for entry in saved:
        assert sha(Path(entry["path"]).read_bytes()) == entry["sha256"]

    # Nothing left claimed: no live job, no lease.
    assert (
        journal_rows(
            database, "SELECT id FROM jobs WHERE state IN ('submitting', 'running', 'finished')"
        )
        == []
    )

    # Any machine copies a result out, checked against its SHA-256.
    some = next(r for r in final if r["capability"] == "document")
    copied = cluster.run("dave", "jobs", "download", some["job_id"], "-o", str(tmp_path / "got"))
    assert copied.returncode == 0, copied.stderr
    [path] = copied.stdout.split()
    assert sha(Path(path).read_bytes()) == sha(Path(some["outputs"][0]).read_bytes())

    # Secrets stay per machine: neither the journal nor the queue holds them.
    for secret in (TEST_PRIVATE_KEY, TEST_ACCESS_KEY_SECRET):
        for table in ("jobs", "items", "procrastinate_jobs"):
            dumped = journal_rows(database, f"SELECT t::text FROM {table} t")
            assert not any(secret in row[0] for row in dumped), (secret, table)
    payloads = journal_rows(database, "SELECT args FROM procrastinate_jobs")
    assert all(set(args) == {"job_id"} for (args,) in payloads)


def _valid(stdout: str) -> None:
    """``--queue --json`` output in the shape its schema says (docs/json.md)."""
    from pydantic import TypeAdapter
    from transhub.cli.schemas import COMMANDS

    model, _many = COMMANDS["doc translate --queue"]
    for record in json.loads(stdout):
        TypeAdapter(model).validate_python(record)
        assert set(record) == set(model.model_fields)


def _outputs(value: Any) -> list[dict[str, Any]]:
    data = json.loads(value) if isinstance(value, str) else value
    return list(data.values())


class Lines:
    """A child's stderr, read line by line in a thread (so waits on it are bounded)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.lines.append(line)

    def saw(self, text: str) -> int:
        return sum(text in line for line in self.lines)


def test_a_worker_that_loses_the_database_says_so_once_and_carries_on(
    cluster: Cluster, database: str, emulators: Any, tmp_path: Path
) -> None:
    import psycopg

    worker = cluster.start("worker", "worker", "--concurrency", "2")
    said = Lines(worker)
    wait_until(lambda: said.saw("serving"), "the worker to serve")
    name = database.rsplit("/", 1)[1]
    admin = database.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        # The database goes away for the worker: no new connection, the old ones cut.
        db.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        wait_until(
            lambda: said.saw("lost the database"), f"the worker to notice: {said.lines}", timeout=30
        )
        # Its back-off retries (1 s, 2 s…) fail meanwhile; it says so only once.
        deadline = time.monotonic() + 3.5
        while time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert worker.poll() is None, "".join(said.lines)
        assert said.saw("lost the database") == 1, "".join(said.lines)
        db.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    wait_until(lambda: said.saw("reconnected"), "the worker to reconnect")
    # It claims again: a queued document is translated.
    document = tmp_path / "after.txt"
    document.write_text("after the outage\n", encoding="utf-8")
    queued = cluster.run(
        "alice", "doc", "translate", str(document), "--to", "zh", "--provider", "fanyigou",
        "--queue", "--json",
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    [record] = json.loads(queued.stdout)
    # And a queued conversion (PDF to Word), copied out of the store afterwards.
    pdf = make_pdf(tmp_path / "scan.pdf")
    converted = cluster.run(
        "alice", "doc", "convert", str(pdf), "--format", "word", "--provider", "fanyigou",
        "--queue", "--json",
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    [conversion] = json.loads(converted.stdout)
    assert conversion["capability"] == "convert" and conversion["state"] == "submitting"
    waited = cluster.run(
        "alice", "jobs", "wait", record["job_id"], conversion["job_id"], "--timeout", "30",
        "--json",
    )  # fmt: skip
    assert waited.returncode == 0, waited.stderr
    assert [r["state"] for r in json.loads(waited.stdout)] == ["completed", "completed"]
    copied = cluster.run("bob", "jobs", "download", conversion["job_id"], "-o", str(tmp_path / "w"))
    assert copied.returncode == 0, copied.stderr
    assert Path(copied.stdout.strip()).name == "scan.docx"
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=DEADLINE) == 0
    assert said.saw("lost the database") == 1, "".join(said.lines)
    assert "Traceback" not in "".join(said.lines)


def test_provider_settings_given_to_a_queued_run_are_said_to_stay_with_it(
    cluster: Cluster, tmp_path: Path, emulators: Any
) -> None:
    """A worker runs a queued job with its own settings: a submitter's ``-c`` provider
    setting is said, once, to apply to the submitting run only; core settings and a
    run without ``-c`` say nothing."""
    document = tmp_path / "a.txt"
    document.write_text("hello, queue\n")
    argv = ("doc", "translate", str(document), "--to", "zh", "--provider", "fanyigou")
    given = cluster.run(
        "submitter", "-c", "fanyigou.wait_interval=1", "-c", "poll_interval=2", *argv,
        "--queue", "-o", str(tmp_path / "out"),
    )  # fmt: skip
    assert given.returncode == 0, given.stderr
    noted = "-c fanyigou.wait_interval: applied to this run only; queued jobs run with"
    assert given.stderr.count(noted) == 1, given.stderr
    again = cluster.run("submitter", *argv, "--queue", "-o", str(tmp_path / "out2"))
    assert again.returncode == 0, again.stderr
    assert "applied to this run only" not in again.stderr
    assert emulators[0].log.count() == 0  # queued, not sent: no worker runs here
