"""Remembering tasks is a core service: the runner records each submit and the first
sight of a finished task in the provider's task memory, and a new process gets the
journal's record handed back — so a provider that forgets old results answers
"expired", not "no such task", after a restart.  The restarts are real processes
(the first one SIGKILLed while it polls), against the emulators on loopback."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import transhub
from transhub.capabilities.base import TaskState
from transhub.capabilities.tasks import TaskMemory, TaskTimes
from transhub.emulation import EmulatorServer
from transhub.errors import EXIT_CODES, NotFoundError
from transhub.jobs.model import JobState
from transhub.journal import open_journal
from transhub.testing import ManualClock
from transhub.testing.processes import finish, kill, spawn, wait_until

URL = "https://img.example.com/shop/sign.png"


def test_the_memory_keeps_the_first_submit_and_the_earliest_finish() -> None:
    memory = TaskMemory()
    assert not memory.knows("t") and memory.times("t") == TaskTimes()
    memory.submitted("t")  # submitted, time unknown (an old journal row)
    assert memory.knows("t") and memory.times("t") == TaskTimes()
    memory.submitted("t", 100.0)
    memory.submitted("t", 200.0)  # a later report does not move the submit
    memory.finished("t", 300.0)
    memory.finished("t", 250.0)  # an earlier sighting (the journal's) wins
    memory.finished("t", 400.0)
    assert memory.times("t") == TaskTimes(submitted_at=100.0, finished_at=250.0)
    memory.finished("u", 5.0)  # seen finished: known too
    assert memory.knows("u")


def test_the_runner_records_what_the_journal_records(echo, isolated, sample: Path) -> None:
    hub = transhub.Hub()
    plan = hub.prepare_document(sample, "zh", provider="echo")
    result = hub.runner().run(plan)
    job = hub.journal.get(result.job_id)
    assert job.task_id is not None and job.submitted_at and job.finished_at
    times = hub.instance(plan.implementation).tasks.times(job.task_id)
    assert times == TaskTimes(
        submitted_at=datetime.fromisoformat(job.submitted_at).timestamp(),
        finished_at=datetime.fromisoformat(job.finished_at).timestamp(),
    )


def killed_while_polling(process: subprocess.Popen[str]) -> str:
    """SIGKILL ``process`` once its job is submitted and polled (the journal says
    ``running``): the id of the job it leaves behind."""
    journal = open_journal()
    running: list[str] = []

    def polled() -> bool:
        running[:] = [row["job_id"] for row in journal.summaries(states=["running"])]
        return bool(running)

    try:
        wait_until(polled, "the job to be polled", process=process)
    finally:
        journal.close()
    kill(process)
    return running[0]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fanyigou(monkeypatch, isolated, clock):
    from transhub_fanyigou.emulator import EmulatorOptions, FanyigouEmulator
    from transhub_fanyigou.sandbox import environment

    app = FanyigouEmulator(EmulatorOptions(task_seconds=30.0, result_ttl=60.0, clock=clock))
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        yield app
    app.close()


def test_a_task_the_service_forgot_is_expired_after_a_restart(fanyigou, clock, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("to translate\n", encoding="utf-8")
    first = spawn("doc", "translate", str(note), "--to", "zh", "--provider", "fanyigou")
    job_id = killed_while_polling(first)  # the job stays "running" in the journal
    journal = open_journal()
    task_id = journal.get(job_id).task_id
    assert task_id is not None
    hub = transhub.Hub()
    documents = hub.instance(hub.prepare_document(note, "zh", provider="fanyigou").implementation)
    clock.advance(31.0)
    assert documents.status(task_id).state is TaskState.DONE  # the task finished ...
    clock.advance(61.0)  # ... and its result was dropped.
    # What a process that knows nothing of the task hears for it: "no such task".
    with pytest.raises(NotFoundError):
        documents.status(task_id)

    code, _, err = finish(spawn("jobs", "resume", job_id))

    # The new process was handed the journal's record: the result expired (`jobs
    # resume` reports each job's outcome and exits 1 when one failed).
    assert code == EXIT_CODES["failure"], err
    assert f"the result of fanyigou task {task_id} has expired" in err
    assert journal.get(job_id).state is JobState.EXPIRED
    assert fanyigou.log.count("uploadTranslate") == 1  # nothing submitted again
    journal.close()


@pytest.fixture
def alibaba(monkeypatch, isolated, clock):
    from transhub_alibaba.emulator import EmulatorOptions, create_emulator
    from transhub_alibaba.sandbox import environment

    app = create_emulator(EmulatorOptions(task_seconds=30.0, clock=clock))
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        yield app


def test_the_journals_submit_time_dates_an_expiry_after_a_restart(alibaba, clock, tmp_path):
    argv = ["image", "translate", URL, "--from", "en", "--to", "zh", "--provider", "alibaba"]
    job_id = killed_while_polling(spawn(*argv, "-o", str(tmp_path / "out")))
    # The journal of a job submitted two hours ago (its task long finished and dropped).
    long_ago = datetime.now(timezone.utc) - timedelta(hours=2)
    with sqlite3.connect(open_journal().path) as db:
        db.execute(
            "UPDATE jobs SET submitted_at = ? WHERE id = ?",
            (long_ago.isoformat(timespec="milliseconds"), job_id),
        )
    clock.advance(30.0 + 3601)

    code, _, err = finish(spawn("jobs", "resume", job_id))

    assert code == EXIT_CODES["failure"], err
    said = long_ago.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"most likely expired: it was submitted at {said}" in err
    journal = open_journal()
    assert journal.get(job_id).state is JobState.EXPIRED
    journal.close()
    assert alibaba.log.count("TranslateImageBatch") == 1
