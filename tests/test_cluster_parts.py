"""Cluster mode's parts that need no database: the results store, `jobs wait`, and the
refusals of `--queue` and `transhub worker` on the embedded journal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from transhub.errors import EXIT_CODES, InputError, ResultExpiredError
from transhub.store import FolderStore


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def records_of(command: str, stdout: str) -> list[dict]:
    """``--json`` output, each record exactly in the shape the command's schema says."""
    from pydantic import TypeAdapter
    from transhub.cli.schemas import COMMANDS

    model, _many = COMMANDS[command]
    records = json.loads(stdout)
    for record in records:
        TypeAdapter(model).validate_python(record)
        assert set(record) == set(model.model_fields), command
    return records


def test_the_folder_store_stages_inputs_by_content_and_copies_results_out(tmp_path):
    store = FolderStore(tmp_path / "results")
    source = tmp_path / "a.docx"
    source.write_bytes(b"contents")
    store.stage(source, sha(b"contents"))
    store.stage(source, sha(b"contents"))  # staged once: same content, same file
    staged = store.staged(sha(b"contents"), ".docx")
    assert staged.read_bytes() == b"contents"
    assert list(staged.parent.iterdir()) == [staged]
    # A file whose content is not what the caller hashed is refused, not staged.
    with pytest.raises(InputError, match="changed while it was staged"):
        store.stage(source, sha(b"other"))
    assert not store.staged(sha(b"other"), ".docx").exists()

    folder = store.folder("0a1b2c3d")
    folder.mkdir(parents=True)
    (folder / "a.zh.docx").write_bytes(b"result")
    copied = store.fetch("0a1b2c3d", "a.zh.docx", sha(b"result"), tmp_path / "out" / "a.zh.docx")
    assert copied.read_bytes() == b"result"
    # A result changed in the store is refused (its SHA-256 no longer matches).
    (folder / "a.zh.docx").write_bytes(b"tampered")
    with pytest.raises(ResultExpiredError, match="does not match the SHA-256"):
        store.fetch("0a1b2c3d", "a.zh.docx", sha(b"result"), tmp_path / "out2" / "a.zh.docx")
    assert not (tmp_path / "out2" / "a.zh.docx").exists()
    with pytest.raises(ResultExpiredError, match="not in the results store"):
        store.fetch("ffffffff", "a.zh.docx", sha(b"result"), tmp_path / "out3" / "x")


@pytest.mark.parametrize(
    "argv",
    [
        ("doc", "translate", "notes.txt", "--to", "zh", "--provider", "echo", "--queue"),
        ("doc", "convert", "notes.txt", "--format", "pdf", "--provider", "echo", "--queue"),
        ("worker",),
    ],
)
def test_cluster_commands_refuse_the_embedded_journal_in_one_line(cli, echo, sample, argv):
    result = cli(*argv)
    assert result.exit_code == EXIT_CODES["configuration"], result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "need a PostgreSQL journal" in lines[0]
    assert "TRANSHUB_JOURNAL_URL" in lines[0]
    assert "Traceback" not in result.stderr
    assert echo.log.count() == 0  # nothing sent


def test_jobs_wait_follows_jobs_to_their_end(cli, echo, sample):
    done = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--json")
    assert done.exit_code == 0, done.stderr
    job_id = json.loads(done.stdout)[0]["job_id"]
    waited = cli("jobs", "wait", job_id, "--json")
    assert waited.exit_code == 0, waited.stderr
    [record] = records_of("jobs wait", waited.stdout)
    assert record["job_id"] == job_id and record["state"] == "completed"
    assert record["outputs"] == [str((sample.parent / "notes.zh.txt").resolve())]
    assert record["error"] is None


def test_jobs_wait_times_out_with_the_transient_code(cli, isolated):
    from transhub.capabilities.kinds import Capability
    from transhub.jobs.model import Item
    from transhub.jobs.requests import DocumentJobRequest
    from transhub.journal import open_journal

    journal = open_journal()
    job = journal.create(
        provider="echo",
        capability=Capability.DOCUMENT,
        request=DocumentJobRequest(path=Path("x"), target="zh"),
        items=[Item(position=0, input="x.txt", fingerprint="f", plan={"document": "y"})],
    )
    journal.close()
    waited = cli("jobs", "wait", job.id, "--timeout", "0.2", "--json")
    assert waited.exit_code == EXIT_CODES["transient"]
    [record] = json.loads(waited.stdout)
    assert record["state"] == "submitting"
    assert "not final after 0.2s" in waited.stderr


def test_a_failed_job_exits_with_its_own_code(cli, echo, sample):
    from transhub.jobs.model import JobState
    from transhub.journal import open_journal

    done = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--json")
    job_id = json.loads(done.stdout)[0]["job_id"]
    journal = open_journal()
    journal.update(job_id, state=JobState.FAILED, error="the task failed", error_kind="job-failed")
    journal.close()
    waited = cli("jobs", "wait", job_id)
    assert waited.exit_code == EXIT_CODES["job-failed"]
    assert "the task failed" in waited.stderr


def test_the_help_stays_free_of_the_queue(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\nfrom transhub.cli import main\nsys.argv=['transhub','--help']\n"
        "try:\n main()\nexcept SystemExit:\n pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('procrastinate','psycopg')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.strip().splitlines()[-1] == "[]"
    assert "worker" in shown.stdout


def test_queue_refuses_the_budget_guard_rather_than_ignoring_it(cli, echo, sample):
    result = cli(
        "doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--queue",
        "--max-pages", "3",
    )  # fmt: skip
    assert result.exit_code == EXIT_CODES["usage"], result.output
    assert "--queue cannot be combined with --max-pages" in result.stderr
    assert echo.log.count() == 0


def test_queued_images_refuse_fallback_rather_than_ignoring_it(cli, echo):
    url = "https://images.example/a.png"
    argv = ("image", "translate", url, "--to", "zh", "--provider", "echo", "--queue")
    refused = cli(*argv, "--fallback")
    assert refused.exit_code == EXIT_CODES["usage"], refused.output
    assert "--queue cannot be combined with --fallback for images" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    # The setting is not an explicit request: the run goes on (here to the embedded
    # journal's refusal), saying once that it does not apply.
    noted = cli("-c", "routing.fallback=true", *argv)
    assert noted.exit_code == EXIT_CODES["configuration"], noted.output
    assert noted.stderr.count("routing.fallback does not apply to queued image tasks") == 1
    assert echo.log.count() == 0  # nothing sent
