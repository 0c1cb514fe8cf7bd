"""The job journal: records, dedupe, resume after SIGKILL, concurrency, progress, Ctrl-C."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from transhub.emulation import Fault
from transhub.errors import EXIT_CODES
from transhub.journal import Journal
from transhub.testing.processes import kill, spawn, wait_until

DEADLINE = 30.0

#: Every test runs on both journal backends: the default SQLite file, then PostgreSQL
#: (``TRANSHUB_JOURNAL_URL``: the in-process CLI and the processes started here use it).
pytestmark = pytest.mark.usefixtures("journal_env")


def journal(home: Path) -> Journal:
    return Journal(os.environ.get("TRANSHUB_JOURNAL_URL") or home / "data" / "jobs.db")


def expected(text: str, target: str) -> bytes:
    return "".join(f"[{target}] {line}" for line in text.splitlines(keepends=True)).encode()


def make_docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n}.txt"
        path.write_text(f"document {n}\nline two of {n}\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_every_step_is_journalled(cli, echo, sample, isolated):
    result = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--json")
    (record,) = json.loads(result.stdout)
    job = journal(isolated).get(record["job_id"])
    assert job.state.value == "completed" and job.task_id and job.provider == "echo"
    assert job.submitted_at and job.finished_at and job.created_at.endswith("+00:00")
    item = job.items[0]
    assert item.input_sha256 == hashlib.sha256(sample.read_bytes()).hexdigest()
    saved = item.outputs["document"]
    assert saved["sha256"] == hashlib.sha256(Path(saved["path"]).read_bytes()).hexdigest()
    assert job.request.capability == "document" and job.request.target == "zh"
    assert job.request.options.bilingual is False and job.request.path == sample.resolve()
    shown = cli("jobs", "show", record["job_id"][:5])
    assert "completed" in shown.stdout and str(sample) in shown.stdout
    listed = cli("jobs", "list", "--json")
    assert [row["job_id"] for row in json.loads(listed.stdout)] == [record["job_id"]]


def test_the_same_content_is_reused_without_contacting_the_provider(cli, echo, sample, tmp_path):
    first = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "a")
    assert first.exit_code == 0
    requests = echo.log.count()
    copy = tmp_path / "copy.txt"
    copy.write_bytes(sample.read_bytes())  # same content, another name
    again = cli("doc", "translate", str(copy), "--to", "zh", "--provider", "echo", "-o", "b")
    assert again.exit_code == 0, again.stderr
    assert "reused" in again.stderr
    assert echo.log.count() == requests
    assert (tmp_path / "b" / "copy.zh.txt").read_bytes() == (
        tmp_path / "a" / "notes.zh.txt"
    ).read_bytes()
    as_json = cli(
        "doc", "translate", str(copy), "--to", "zh", "--provider", "echo", "-o", "c", "--json"
    )
    assert [r["status"] for r in json.loads(as_json.stdout)] == ["reused"]
    forced = cli(
        "doc", "translate", str(copy), "--to", "zh", "--provider", "echo", "-o", "d", "--force"
    )
    assert forced.exit_code == 0 and echo.log.count("/v1/documents") == 2


def test_a_changed_or_missing_earlier_result_is_not_reused(cli, echo, sample, tmp_path):
    cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "a")
    (tmp_path / "a" / "notes.zh.txt").write_text("edited by hand")
    cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "b")
    assert echo.log.count("/v1/documents") == 2
    other = cli("doc", "translate", str(sample), "--to", "ja", "--provider", "echo", "-o", "c")
    assert other.exit_code == 0 and echo.log.count("/v1/documents") == 3


def test_a_submit_of_unknown_fate_is_not_resubmitted_without_asking(cli, echo, sample, isolated):
    echo.faults.queue(Fault.DROP_AFTER, action="/v1/documents")
    result = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["transient"]
    assert "may have reached the provider" in result.stderr
    listed = cli("jobs", "list")
    assert "may have been submitted" in listed.stdout
    resumed = cli("jobs", "resume")
    assert resumed.exit_code == 1 and "--resubmit" in resumed.stderr
    assert echo.log.count("/v1/documents") == 1
    forced = cli("jobs", "resume", "--resubmit")
    assert forced.exit_code == 0, forced.stderr
    assert echo.log.count("/v1/documents") == 2
    assert (isolated.parent / "notes.zh.txt").exists()


def test_kill_before_the_task_id_is_known(echo, sample, isolated, tmp_path):
    held = echo.faults.hold("/v1/documents")
    process = spawn(
        "doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "out"
    )
    wait_until(held.arrived.is_set, "the upload to reach the emulator", process=process)
    kill(process)
    held.release()
    wait_until(lambda: echo.log.count("/v1/documents") == 1, "the held upload to be processed")
    job = next(journal(isolated).jobs())
    assert job.state.value == "submitting" and job.task_id is None
    from transhub.testing import invoke

    assert invoke(["jobs", "resume"]).exit_code == 1  # may have been submitted: not sent again
    assert echo.log.count("/v1/documents") == 1
    assert invoke(["jobs", "resume", job.id, "--resubmit"]).exit_code == 0
    assert (tmp_path / "out" / "notes.zh.txt").read_bytes() == expected(sample.read_text(), "zh")


def test_kill_while_polling_then_resume_finishes_the_batch(echo, isolated, tmp_path):
    docs = make_docs(tmp_path / "in", 3)
    echo.service.polls_until_done = 10_000
    process = spawn(
        "doc",
        "translate",
        str(tmp_path / "in"),
        "--to",
        "fr",
        "--provider",
        "echo",
        "-o",
        "out",
        "-j",
        "2",
    )
    wait_until(
        lambda: (
            echo.log.count("/v1/documents") >= 2
            and sum(1 for r in echo.log.records() if r.path.startswith("/v1/documents/d")) >= 2
        ),
        "polling to start",
    )
    kill(process)
    uploads = echo.log.count("/v1/documents")
    echo.service.polls_until_done = 1
    from transhub.testing import invoke

    result = invoke(["jobs", "resume", "--json"])  # finishes the jobs, then the batch
    assert result.exit_code == 0, result.stderr
    assert uploads == 2 and echo.log.count("/v1/documents") == 3  # each document once
    # One array: a record per resumed job, then the re-run batch's, in input order.
    records = json.loads(result.stdout)
    jobs, inputs = records[:2], records[2:]
    assert [r["state"] for r in jobs] == ["completed", "completed"]
    assert [r["input"] for r in inputs] == [str(doc.resolve()) for doc in docs]
    assert sorted(r["status"] for r in inputs) == ["completed", "reused", "reused"]
    finish = invoke(
        ["doc", "translate", str(tmp_path / "in"), "--to", "fr", "--provider", "echo", "-o", "out"]
    )
    assert finish.exit_code == 0, finish.stderr  # the rest, and the finished ones are reused
    assert echo.log.count("/v1/documents") == 3  # every document uploaded exactly once
    for doc in docs:
        assert (tmp_path / "out" / f"{doc.stem}.fr.txt").read_bytes() == expected(
            doc.read_text(), "fr"
        )


def test_kill_half_way_through_a_download(echo, isolated, tmp_path):
    docs = make_docs(tmp_path / "in", 2)
    held = echo.faults.hold("/v1/documents/d2/result")
    process = spawn(
        "doc",
        "translate",
        *map(str, docs),
        "--to",
        "ja",
        "--provider",
        "echo",
        "-o",
        "out",
        "-j",
        "1",
    )
    wait_until(held.arrived.is_set, "the second download to start", process=process)
    kill(process)
    held.release()
    assert (tmp_path / "out" / "doc0.ja.txt").exists()
    assert not (
        tmp_path / "out" / "doc1.ja.txt"
    ).exists()  # never a partial file at the output path
    from transhub.testing import invoke

    result = invoke(["jobs", "resume"])
    assert result.exit_code == 0, result.stderr
    assert echo.log.count("/v1/documents") == 2
    for doc in docs:
        assert (tmp_path / "out" / f"{doc.stem}.ja.txt").read_bytes() == expected(
            doc.read_text(), "ja"
        )
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".part")]


def test_two_processes_share_one_journal(echo, isolated, tmp_path):
    a = make_docs(tmp_path / "a", 4)
    b = [p.rename(p.with_name(f"b{p.name}")) for p in make_docs(tmp_path / "b", 4)]
    for path in b:
        path.write_text(f"other {path.name}\n")
    first = spawn(
        "doc", "translate", str(tmp_path / "a"), "--to", "zh", "--provider", "echo", "-o", "out"
    )
    second = spawn(
        "doc", "translate", str(tmp_path / "b"), "--to", "zh", "--provider", "echo", "-o", "out"
    )
    assert first.wait(timeout=60) == 0, first.stderr.read()
    assert second.wait(timeout=60) == 0, second.stderr.read()
    jobs = list(journal(isolated).jobs())
    assert len(jobs) == 8 and {j.state.value for j in jobs} == {"completed"}
    assert len({j.id for j in jobs}) == 8
    assert len(list((tmp_path / "out").iterdir())) == len(a) + len(b)


def test_forget_and_prune(cli, echo, sample, isolated):
    job = json.loads(
        cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--json").stdout
    )[0]["job_id"]
    assert cli("jobs", "prune", "--older-than", "1").stderr.strip() == "pruned 0 jobs"
    dry = cli("jobs", "prune", "--older-than", "0", "--dry-run")
    assert dry.stderr.strip() == "would prune 1 job" and job in dry.stdout
    declined = cli("jobs", "prune", "--older-than", "0", input="n\n")
    assert declined.exit_code == 1 and job in declined.stdout
    assert "nothing was removed" in declined.stderr and cli("jobs", "show", job).exit_code == 0
    asked = cli("jobs", "prune", "--older-than", "0", input="y\n")
    assert asked.exit_code == 0 and asked.stderr.strip().endswith("pruned 1 job")
    assert cli("jobs", "show", job).exit_code == EXIT_CODES["not-found"]
    job = json.loads(
        cli("doc", "translate", str(sample), "--to", "ja", "--provider", "echo", "--json").stdout
    )[0]["job_id"]
    assert cli("jobs", "forget", job).exit_code == 0
    assert json.loads(cli("jobs", "list", "--json").stdout) == []


def test_jobs_download_fetches_again(cli, echo, sample, tmp_path):
    job = json.loads(
        cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--json").stdout
    )[0]["job_id"]
    result = cli("jobs", "download", job, "-o", "again")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "again" / "notes.zh.txt").read_bytes() == expected(sample.read_text(), "zh")


def test_image_jobs_are_journalled_and_reused(cli, echo, isolated):
    urls = [f"https://img.example/{n}.png" for n in range(4)]
    first = cli(
        "image", "translate", *urls, "--to", "en", "--provider", "echo", "-o", "out", "--json"
    )
    assert first.exit_code == 0, first.stderr
    assert len(list(journal(isolated).jobs())) == 2  # 3 to a task
    tasks = echo.log.count("/v1/images")
    again = cli(
        "image", "translate", *urls, "--to", "en", "--provider", "echo", "-o", "out2", "--json"
    )
    assert again.exit_code == 0, again.stderr
    assert echo.log.count("/v1/images") == tasks
    assert [r["status"] for r in json.loads(again.stdout)] == ["reused"] * len(urls)


def test_progress_is_drawn_on_a_terminal_only(echo, tmp_path):
    import pty

    docs = make_docs(tmp_path / "in", 2)
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "transhub",
            "doc",
            "translate",
            *map(str, docs),
            "--to",
            "zh",
            "--provider",
            "echo",
            "-o",
            "out",
        ],
        stdout=subprocess.PIPE,
        stderr=secondary,
        text=True,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=DEADLINE)
    os.close(primary)
    drawn = b"".join(chunks).decode()
    assert "2/2" in drawn and "elapsed" in drawn and "\x1b[" in drawn
    assert "doc0.txt" in process.stdout.read()  # the summary table on stdout
    quiet = subprocess.run(
        [
            sys.executable,
            "-m",
            "transhub",
            "doc",
            "translate",
            *map(str, docs),
            "--to",
            "zh",
            "--provider",
            "echo",
            "-o",
            "json",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=True,
    )
    assert "\x1b[" not in quiet.stderr and "elapsed" not in quiet.stderr


def test_ctrl_c_leaves_tasks_recorded_and_exits_130(echo, isolated, tmp_path):
    make_docs(tmp_path / "in", 3)
    echo.service.polls_until_done = 10_000
    process = spawn(
        "doc",
        "translate",
        str(tmp_path / "in"),
        "--to",
        "zh",
        "--provider",
        "echo",
        "-o",
        "out",
        "-j",
        "1",
    )
    wait_until(
        lambda: any(r.path.startswith("/v1/documents/d") for r in echo.log.records()), "polling"
    )
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=DEADLINE) == EXIT_CODES["interrupted"]
    said = process.stderr.read()
    assert "transhub jobs resume" in said and "interrupted after 0 of 3" in said
    assert echo.log.count("/v1/documents") == 1  # no new work submitted after Ctrl-C
    states = [j.state.value for j in journal(isolated).jobs()]
    assert states == ["running"]


def test_ctrl_c_writes_the_records_of_inputs_finished_after_an_unfinished_one(
    echo, isolated, tmp_path
):
    make_docs(tmp_path / "in", 3)
    held = echo.faults.hold("/v1/documents")  # the first upload waits (doc0's or doc1's)
    process = spawn("doc", "translate", str(tmp_path / "in"), "--to", "zh", "--provider", "echo",
                    "-o", "out", "-j", "2", "--json")  # fmt: skip
    completed = lambda: [j.state.value for j in journal(isolated).jobs()].count("completed")  # noqa: E731
    wait_until(lambda: completed() == 2, "the other two results")
    assert held.arrived.is_set()
    process.send_signal(signal.SIGINT)
    held.release()
    assert process.wait(timeout=DEADLINE) == EXIT_CODES["interrupted"]
    records = json.loads(process.stdout.read())
    names = [Path(r["input"]).name for r in records]  # the two that finished, in order
    assert len(names) == 2 and names == sorted(names) and names[1] == "doc2.txt"
    assert [r["status"] for r in records] == ["completed", "completed"]
    assert "interrupted after 2 of 3" in process.stderr.read()


def test_ctrl_c_in_an_image_batch_closes_the_array_and_exits_130(echo, isolated):
    echo.service.polls_until_done = 10_000
    urls = [f"https://img.example/{n}.png" for n in range(6)]  # two tasks of three
    process = spawn("image", "translate", *urls, "--to", "en", "--provider", "echo",
                    "-o", "out", "-j", "1", "--json")  # fmt: skip
    wait_until(
        lambda: any(r.path.startswith("/v1/images/i") for r in echo.log.records()), "polling"
    )
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=DEADLINE) == EXIT_CODES["interrupted"]
    assert json.loads(process.stdout.read()) == []  # one document, closed
    said = process.stderr.read()
    assert "interrupted after 0 of 6" in said and "transhub jobs resume" in said
    assert echo.log.count("/v1/images") == 1  # the second task never started
    assert sorted(j.state.value for j in journal(isolated).jobs()) == ["running", "submitting"]


def test_budget_guard(cli, echo, tmp_path):
    docs = make_docs(tmp_path / "in", 2)  # 3 pages each by the echo service's count
    over = cli(
        "doc", "translate", *map(str, docs), "--to", "zh", "--provider", "echo", "--max-pages", "5"
    )
    assert over.exit_code == EXIT_CODES["input"] and "6 pages, over --max-pages 5" in over.stderr
    assert echo.log.count("/v1/documents") == 0
    echo.service.balance = 4
    short = cli(
        "doc", "translate", *map(str, docs), "--to", "zh", "--provider", "echo", "--max-pages", "10"
    )
    assert short.exit_code == EXIT_CODES["quota"]
    assert "needs about 6 pages but the balance is 4 pages" in short.stderr
    assert echo.log.count("/v1/documents") == 0
    echo.service.balance = 100
    declined = cli(
        "doc",
        "translate",
        *map(str, docs),
        "--to",
        "zh",
        "--provider",
        "echo",
        "--confirm",
        input="n\n",
    )
    # Answering no is a decision, not an interruption: exit 1, and it says nothing was sent.
    assert declined.exit_code == EXIT_CODES["failure"] and echo.log.count("/v1/documents") == 0
    assert "nothing was sent" in declined.stderr and "interrupted" not in declined.stderr
    accepted = cli(
        "doc",
        "translate",
        *map(str, docs),
        "--to",
        "zh",
        "--provider",
        "echo",
        "--confirm",
        input="y\n",
    )
    assert accepted.exit_code == 0, accepted.stderr
    assert "estimate 6 pages; balance 100 pages" in accepted.stderr


@pytest.mark.parametrize("command", [["jobs", "show", "nope"], ["jobs", "download", "nope"]])
def test_unknown_job_ids(cli, command):
    result = cli(*command)
    assert result.exit_code == EXIT_CODES["not-found"] and "no job 'nope'" in result.stderr


@pytest.mark.parametrize(("window", "resumed"), [(None, True), (0.0, False)])
def test_an_idempotent_submit_is_resent_only_within_its_window(
    cli, echo, monkeypatch, window, resumed
):
    from transhub_echo.provider import EchoImages

    monkeypatch.setattr(EchoImages, "idempotent_submit", True)
    monkeypatch.setattr(EchoImages, "idempotency_window", window)
    echo.faults.queue(Fault.DROP_AFTER, action="/v1/images")
    first = cli(
        "image", "translate", "https://img.example/a.png", "--to", "en", "--provider", "echo"
    )
    assert first.exit_code == EXIT_CODES["transient"]
    assert "may have reached the provider" in first.stdout
    again = cli("jobs", "resume")
    assert (again.exit_code == 0) is resumed, again.stderr
    assert echo.log.count("/v1/images") == (2 if resumed else 1)
    if not resumed:
        assert "--resubmit" in again.stderr


def test_ctrl_c_on_an_image_batch_exits_130_with_tasks_recorded(echo, isolated):
    echo.service.polls_until_done = 10_000
    urls = [f"https://img.example/{n}.png" for n in range(5)]
    process = spawn("image", "translate", *urls, "--to", "en", "--provider", "echo")
    wait_until(
        lambda: any(r.path.startswith("/v1/images/i") for r in echo.log.records()),
        "polling",
        process=process,
    )
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=DEADLINE) == EXIT_CODES["interrupted"]
    assert "transhub jobs resume" in process.stderr.read()
    assert {j.state.value for j in journal(isolated).jobs()} == {"running"}


def test_jobs_list_pages_newest_first(cli, isolated):
    from transhub.jobs.requests import DocumentJobRequest
    from transhub.journal import Item, JobState

    book = journal(isolated)
    for n in range(60):
        item = Item(0, f"/in/{n:02d}.txt", f"{n:064x}", {"document": f"/out/{n:02d}.zh.txt"})
        request = DocumentJobRequest(path=Path(f"/in/{n:02d}.txt"), target="zh")
        job = book.create(provider="echo", capability="document", request=request, items=[item])
        book.update(job.id, state=JobState.COMPLETED)
    page = cli("jobs", "list", "--json")
    rows = json.loads(page.stdout)
    assert len(rows) == 50 and rows[0]["input"] == "/in/59.txt"
    assert "--limit N or --all" in page.stderr
    assert len(json.loads(cli("jobs", "list", "--all", "--json").stdout)) == 60
    few = cli("jobs", "list", "--limit", "3")
    assert few.exit_code == 0 and len(few.lines) == 2 + 3 and "/in/59.txt" in few.lines[2]
