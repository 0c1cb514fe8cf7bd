"""The job engine in real processes: the real ``transhub`` CLI against the emulators on
loopback, the transhub process itself SIGKILLed at each stage, several processes at
once — and the requests counted at the emulators, so that each document and image is
seen paid once.  Every wait is bounded; the stage to kill at is read from the
emulator's log (or a held request), never guessed with a sleep."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from transhub.emulation import EmulatorServer
from transhub.errors import EXIT_CODES
from transhub.journal import Journal
from transhub.testing import invoke
from transhub.testing.processes import eventually, finish, kill, spawn, wait_until

from transhub_fanyigou.emulator import EmulatorOptions as FanyigouOptions
from transhub_fanyigou.emulator import FanyigouEmulator
from transhub_fanyigou.sandbox import environment as fanyigou_environment

#: Every test runs on both journal backends: the default SQLite file, then PostgreSQL
#: (``TRANSHUB_JOURNAL_URL``, which the transhub processes started here inherit).
pytestmark = pytest.mark.usefixtures("journal_env")

DEADLINE = 60.0
URLS = [f"https://img.example/p{n}.png" for n in range(5)]  # two echo tasks (3 + 2)


def make_docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n}.txt"
        path.write_text(f"document {n}\nline two of {n}\n", encoding="utf-8")
        paths.append(path)
    return paths


def translated(text: str, target: str) -> bytes:
    return "".join(f"[{target}] {line}" for line in text.splitlines(keepends=True)).encode()


def assert_results(docs: list[Path], out: Path, target: str = "zh") -> None:
    for doc in docs:
        saved = out / f"{doc.stem}.{target}.txt"
        assert saved.read_bytes() == translated(doc.read_text(), target), saved
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{d.stem}.{target}.txt" for d in docs), names


def uploads(echo) -> int:
    return echo.log.count("/v1/documents")


def doc_command(*inputs: Path | str, out: str = "out", jobs: int = 2) -> list[str]:
    return ["doc", "translate", *map(str, inputs), "--to", "zh", "--provider", "echo",
            "-o", out, "-j", str(jobs)]  # fmt: skip


def image_command(out: str = "out") -> list[str]:
    return ["image", "translate", *URLS, "--to", "en", "--provider", "echo", "-o", out]


# -- rerun after SIGKILL, documents ----------------------------------------------------


def test_document_rerun_after_kill_while_uploading_refuses_to_pay_twice(echo, tmp_path):
    docs = make_docs(tmp_path / "in", 1)
    held = echo.faults.hold("/v1/documents")
    process = spawn(*doc_command(*docs))
    wait_until(held.arrived.is_set, "the upload to reach the emulator", process=process)
    kill(process)
    held.release()
    wait_until(lambda: uploads(echo) == 1, "the held upload to be processed")
    rerun = invoke(doc_command(*docs))
    assert rerun.exit_code == EXIT_CODES["failure"], rerun.stderr
    assert "may have been submitted" in rerun.stderr and "--resubmit" in rerun.stderr
    assert uploads(echo) == 1  # the plain rerun did not upload again
    resumed = invoke(["jobs", "resume", "--resubmit"])
    assert resumed.exit_code == 0, resumed.stderr
    assert_results(docs, tmp_path / "out")


@pytest.mark.parametrize("stage", ["polling", "downloading"])
def test_document_rerun_after_kill_finishes_without_uploading_again(echo, tmp_path, stage):
    docs = make_docs(tmp_path / "in", 3)
    if stage == "polling":
        echo.service.polls_until_done = 10_000
        polls = lambda: sum(r.path.startswith("/v1/documents/d") for r in echo.log.records())  # noqa: E731
        reached = lambda: uploads(echo) == 2 and polls() >= 2  # noqa: E731
    else:
        held = echo.faults.hold("/v1/documents/d1/result")
        reached = held.arrived.is_set
    # One at a time while downloading: a kill then finds nothing else mid-upload.
    process = spawn(*doc_command(tmp_path / "in", jobs=2 if stage == "polling" else 1))
    wait_until(reached, stage, process=process)
    kill(process)
    if stage == "polling":
        echo.service.polls_until_done = 1
    else:
        held.release()
    before = uploads(echo)
    rerun = invoke(doc_command(tmp_path / "in"))  # the same command again, not `jobs resume`
    assert rerun.exit_code == 0, rerun.stdout + rerun.stderr
    assert uploads(echo) == 3 and before >= 1  # each document uploaded (paid) once
    assert_results(docs, tmp_path / "out")
    assert {j.state.value for j in journal_of(tmp_path).jobs()} == {"completed"}


def journal_of(tmp_path: Path) -> Journal:
    return Journal(os.environ.get("TRANSHUB_JOURNAL_URL") or tmp_path / "home" / "data" / "jobs.db")


# -- rerun after SIGKILL, image batches ------------------------------------------------


def image_tasks(echo) -> int:
    return echo.log.count("/v1/images")


def assert_images(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == [f"p{n}.en.png" for n in range(5)]


def test_image_rerun_after_kill_while_uploading_refuses_to_pay_twice(echo, tmp_path):
    held = echo.faults.hold("/v1/images")
    process = spawn(*image_command(), "-j", "1")
    wait_until(held.arrived.is_set, "the first task's submit", process=process)
    kill(process)
    held.release()
    wait_until(lambda: image_tasks(echo) == 1, "the held submit to be processed")
    rerun = invoke(image_command())
    assert rerun.exit_code == EXIT_CODES["failure"]
    assert "--resubmit" in rerun.stdout  # the task that may have been submitted: refused
    assert image_tasks(echo) == 2  # the other task, never started, ran once
    resumed = invoke(["jobs", "resume", "--resubmit"])
    assert resumed.exit_code == 0, resumed.stderr
    assert image_tasks(echo) == 3
    assert_images(tmp_path / "out")


@pytest.mark.parametrize("stage", ["polling", "downloading"])
def test_image_rerun_after_kill_finishes_without_submitting_again(echo, tmp_path, stage):
    if stage == "polling":
        echo.service.polls_until_done = 10_000
        reached = lambda: any(r.path.startswith("/v1/images/i") for r in echo.log.records())  # noqa: E731
    else:
        held = echo.faults.hold("/v1/results/")

        def reached() -> bool:
            # The first task's download is held; its freed slot has started the second,
            # which is past its submit (polled): a kill now finds no submit in flight.
            polled = any(r.path.startswith("/v1/images/i2") for r in echo.log.records())
            return held.arrived.is_set() and polled

    process = spawn(*image_command(), "-j", "1")
    wait_until(reached, stage, process=process)
    kill(process)
    if stage == "polling":
        echo.service.polls_until_done = 1
    else:
        held.release()
    submitted = image_tasks(echo)
    rerun = invoke(image_command())
    assert rerun.exit_code == 0, rerun.stdout + rerun.stderr
    assert image_tasks(echo) == 2 and submitted >= 1  # two tasks in all, each once
    assert_images(tmp_path / "out")


def test_image_batch_rerun_reuses_instead_of_already_exists(echo, tmp_path):
    first = invoke(image_command())
    assert first.exit_code == 0, first.stdout + first.stderr
    again = invoke(image_command())
    assert again.exit_code == 0, again.stdout + again.stderr
    assert image_tasks(echo) == 2
    assert_images(tmp_path / "out")


# -- several processes at once ---------------------------------------------------------


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_started_together_on_one_batch_pay_each_document_once(echo, tmp_path, processes):
    docs = make_docs(tmp_path / "in", 10)
    running = [spawn(*doc_command(tmp_path / "in", jobs=4)) for _ in range(processes)]
    results = [finish(p) for p in running]
    for code, _out, err in results:
        assert code == 0, err
        assert "database is locked" not in err
    assert uploads(echo) == 10
    assert_results(docs, tmp_path / "out")


def test_duplicate_inputs_in_one_batch_are_one_job(echo, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text("the same words\n", encoding="utf-8")
    (folder / "d.txt").write_text("other words\n", encoding="utf-8")
    result = invoke(doc_command(folder, jobs=4))
    assert result.exit_code == 0, result.stderr
    assert uploads(echo) == 2
    for name in ("a", "b", "c"):
        assert (tmp_path / "out" / f"{name}.zh.txt").read_bytes() == b"[zh] the same words\n"
    assert (tmp_path / "out" / "d.zh.txt").read_bytes() == b"[zh] other words\n"


def test_duplicate_images_in_one_batch_are_paid_once(fanyigou, tmp_path):
    from transhub.testing import make_image

    folder = tmp_path / "img"
    folder.mkdir()
    for name in ("a.png", "b.png"):
        make_image(folder / name, 40, 40)  # the same content twice
    make_image(folder / "c.png", 50, 40)
    argv = ["image", "translate", *(str(folder / n) for n in ("a.png", "b.png", "c.png")),
            "--to", "en", "--provider", "fanyigou", "-o", "out"]  # fmt: skip
    result = invoke(argv)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert fanyigou.log.count("image/uploadTranslateImage") == 2
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["a.en.png", "b.en.png", "c.en.png"]
    a, b = ((tmp_path / "out" / n).read_bytes() for n in ("a.en.png", "b.en.png"))
    assert a == b


def test_a_folder_translated_twice_skips_its_own_results(echo, tmp_path):
    docs = make_docs(tmp_path / "here", 3)
    first = invoke(doc_command(tmp_path / "here", out=str(tmp_path / "here")))
    assert first.exit_code == 0, first.stderr
    again = invoke(doc_command(tmp_path / "here", out=str(tmp_path / "here")))
    assert again.exit_code == 0, again.stderr
    assert "skipped 3 files transhub wrote" in again.stderr
    assert uploads(echo) == 3
    names = sorted(p.name for p in (tmp_path / "here").iterdir())
    assert names == sorted([d.name for d in docs] + [f"{d.stem}.zh.txt" for d in docs])
    named = invoke(doc_command(tmp_path / "here" / "doc0.zh.txt", out=str(tmp_path / "x")))
    assert named.exit_code == 0, named.stderr
    assert "is a result transhub wrote" in named.stderr and uploads(echo) == 4


# -- two `jobs resume` at once ---------------------------------------------------------


@pytest.mark.parametrize("two_step", [True, False])
def test_two_resumes_at_once_pay_once(fanyigou, monkeypatch, tmp_path, two_step):
    monkeypatch.setenv("TRANSHUB_FANYIGOU_TWO_STEP", "1" if two_step else "0")
    note = tmp_path / "note.txt"
    note.write_text("first line\nsecond line\n", encoding="utf-8")
    first_call = "detectDocPage" if two_step else "uploadTranslate"
    held = fanyigou.faults.hold(first_call)
    process = spawn("doc", "translate", str(note), "--to", "zh", "--provider", "fanyigou")
    wait_until(held.arrived.is_set, first_call, process=process)
    kill(process)
    held.release()
    # The held request is processed, or dies with its client's connection if the body
    # had not all arrived: either is a real outcome of a kill mid-upload.
    eventually(lambda: fanyigou.log.count(first_call) == 1, timeout=5.0)
    paid = lambda: fanyigou.log.count("submitForDetectDoc") + fanyigou.log.count("uploadTranslate")  # noqa: E731
    before = paid()
    both = [spawn("jobs", "resume"), spawn("jobs", "resume")]
    codes = [finish(p) for p in both]
    if two_step:
        # Killed while counting pages: nothing was paid; one resume submits, once.
        assert [c for c, _, _ in codes] == [0, 0], codes
        assert fanyigou.log.count("submitForDetectDoc") == 1
        assert (tmp_path / "note.zh.txt").exists()
    else:
        # Killed mid-upload: "may have been submitted" — both refuse, naming --resubmit.
        assert [c for c, _, _ in codes] == [1, 1], codes
        assert all("--resubmit" in err for _, _, err in codes)
        assert paid() == before <= 1
        forced = [spawn("jobs", "resume", "--resubmit"), spawn("jobs", "resume", "--resubmit")]
        assert [finish(p)[0] for p in forced] == [0, 0]
        assert paid() == before + 1  # resent once, by one of them
        assert (tmp_path / "note.zh.txt").exists()


def test_a_refused_page_count_fails_the_job_and_pays_nothing(fanyigou, monkeypatch, tmp_path):
    from transhub.emulation import Fault

    monkeypatch.setenv("TRANSHUB_FANYIGOU_TWO_STEP", "1")
    monkeypatch.setenv("TRANSHUB_RETRIES", "0")
    note = tmp_path / "note.txt"
    note.write_text("x\n", encoding="utf-8")
    fanyigou.faults.queue(Fault.ERROR, action="detectDocPage")
    result = invoke(["doc", "translate", str(note), "--to", "zh", "--provider", "fanyigou"])
    assert result.exit_code != 0
    (job,) = journal_of(tmp_path).jobs()
    assert job.state.value == "failed" and not job.may_have_been_submitted
    assert fanyigou.log.count("submitForDetectDoc") == 0
    again = invoke(["doc", "translate", str(note), "--to", "zh", "--provider", "fanyigou"])
    assert again.exit_code == 0, again.stderr  # nothing was paid: the rerun translates
    assert fanyigou.log.count("submitForDetectDoc") == 1


# -- the journal under contention ------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from transhub.jobs.requests import DocumentJobRequest
from transhub.journal import Item, Journal, JobState
journal = Journal(sys.argv[1])
request = DocumentJobRequest(path=Path("/in/a.txt"), target="zh")
for n in range(200):
    item = Item(0, f"/in/{sys.argv[2]}-{n}.txt", f"{sys.argv[2]}-{n}", {"document": "/o"})
    job = journal.create(provider="p", capability="document", request=request, items=[item])
    journal.update(job.id, state=JobState.COMPLETED)
"""


def test_four_writers_never_see_database_is_locked(tmp_path):
    path = os.environ.get("TRANSHUB_JOURNAL_URL") or str(tmp_path / "contended.db")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, path, str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for code, _out, err in (finish(w) for w in writers):
        assert code == 0 and "locked" not in err, err
    journal = Journal(path)
    assert sum(1 for _ in journal.summaries()) == 800


# -- resume is the rerun ---------------------------------------------------------------


def test_jobs_resume_after_a_killed_image_batch_starts_the_tasks_never_started(echo, tmp_path):
    echo.service.polls_until_done = 10_000
    process = spawn(*image_command(), "-j", "1")
    wait_until(
        lambda: any(r.path.startswith("/v1/images/i") for r in echo.log.records()),
        "the first task's polling",
        process=process,
    )
    kill(process)
    assert image_tasks(echo) == 1  # the second task never started
    echo.service.polls_until_done = 1
    resumed = invoke(["jobs", "resume"])  # the one command that finishes everything
    assert resumed.exit_code == 0, resumed.stdout + resumed.stderr
    assert image_tasks(echo) == 2
    assert_images(tmp_path / "out")
    assert invoke(["jobs", "resume"]).stderr.strip() == "nothing to resume"


def test_capped_concurrency_is_explained_once(fanyigou, tmp_path):
    docs = make_docs(tmp_path / "in", 2)
    argv = ["doc", "translate", *map(str, docs), "--to", "zh", "--provider", "fanyigou",
            "-o", "out", "-j", "3"]  # fmt: skip
    result = invoke(argv)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("-j 3 capped to 1: fanyigou allows 1 channel") == 1
    assert fanyigou.log.count("uploadTranslate") == 2


def test_a_job_waiting_for_a_provider_channel_says_so(monkeypatch, tmp_path):
    import threading

    import transhub

    app = FanyigouEmulator(FanyigouOptions(task_seconds=0.5))
    with EmulatorServer(app) as server:
        for key, value in fanyigou_environment(server.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("TRANSHUB_FANYIGOU_WAIT_INTERVAL", "0.02")
        docs = make_docs(tmp_path / "in", 2)
        hub = transhub.Hub()
        heard: list[str] = []
        first = threading.Thread(
            target=hub.translate_document, args=(docs[0], "zh"), kwargs={"output_dir": "a"}
        )
        first.start()
        wait_until(lambda: app.log.count("uploadTranslate") == 1, "the first upload")
        result = hub.translate_document(
            docs[1], "zh", output_dir="b", on_status=lambda _job, s: heard.append(s.message)
        )
        first.join(timeout=DEADLINE)
        hub.close()
    app.close()
    assert "waiting for a free fanyigou channel" in heard
    assert result.output.read_bytes() and app.log.count("uploadTranslate") >= 2


def test_a_finished_image_task_frees_its_slot_before_its_downloads(echo, tmp_path):
    held = echo.faults.hold("/v1/results/")  # the first task's first download
    process = spawn(*image_command(), "-j", "1")
    wait_until(held.arrived.is_set, "the first task's download", process=process)
    # One slot: the second task is submitted while the first one's results download.
    wait_until(lambda: image_tasks(echo) == 2, "the second task's submit", process=process)
    held.release()
    code, out, err = finish(process)
    assert code == 0, out + err
    assert_images(tmp_path / "out")
