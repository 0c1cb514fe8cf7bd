"""The ``jobs`` and ``journal`` commands on bad input and odd states: a live job is not
forgotten, an unusable journal is a configuration error, an abandoned job is not
waited for forever, a closed stdin at prune's question is a no, paths are absolute,
and ids and filters are checked.  Real CLI processes against the echo emulator."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from transhub.errors import EXIT_CODES
from transhub.testing import invoke
from transhub.testing.processes import DEADLINE, command, kill, spawn, wait_until


def _translate(sample: Path, target: str = "zh") -> str:
    done = invoke(["doc", "translate", str(sample), "--to", target, "--provider", "echo",
                   "--json"])  # fmt: skip
    assert done.exit_code == 0, done.stderr
    return str(json.loads(done.stdout)[0]["job_id"])


def _held_download(echo, sample: Path) -> tuple[subprocess.Popen[str], str]:
    """A transhub process working on a job (its download held at the emulator)."""
    held = echo.faults.hold("/v1/documents/d1/result")
    process = spawn("doc", "translate", str(sample), "--to", "zh", "--provider", "echo")
    wait_until(held.arrived.is_set, "the download", process=process)
    listed = json.loads(invoke(["jobs", "list", "--json"]).stdout)
    return process, listed[0]["job_id"]


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- forget ------------------------------------------------------------------------------


def test_forget_refuses_a_job_a_live_process_works_on(echo, sample):
    process, job_id = _held_download(echo, sample)
    try:
        refused = invoke(["jobs", "forget", job_id])
        assert refused.exit_code == EXIT_CODES["input"], refused.stderr
        line = _one_line(refused.stderr)
        assert f"job {job_id} is being worked on by process {process.pid} on " in line
        assert "wait for it or stop it first" in line and "--force" in line
        assert invoke(["jobs", "show", job_id]).exit_code == 0  # still recorded
        forced = invoke(["jobs", "forget", "--force", job_id])
        assert forced.exit_code == 0, forced.stderr
        assert invoke(["jobs", "show", job_id]).exit_code == EXIT_CODES["not-found"]
    finally:
        kill(process)


# -- an unusable journal -----------------------------------------------------------------


@pytest.mark.parametrize("what", ["unopenable", "not a database"])
@pytest.mark.parametrize(
    "argv",
    [("journal", "status"), ("jobs", "list"), ("jobs", "list", "--json"), ("jobs", "resume"),
     ("doc", "translate", "notes.txt", "--to", "zh", "--provider", "echo")],
)  # fmt: skip
def test_an_unusable_journal_is_a_configuration_error(
    echo, sample, tmp_path, monkeypatch, what, argv
):
    if what == "unopenable":
        path = Path("/proc/no-such-journal.db")
    else:
        path = tmp_path / "random.db"
        path.write_bytes(bytes(range(256)) * 16)
    monkeypatch.setenv("TRANSHUB_JOURNAL_URL", f"sqlite://{path}")
    result = invoke(list(argv))
    assert result.exit_code == EXIT_CODES["configuration"], result.stderr
    line = _one_line(result.stderr)
    assert str(path) in line and "internal error" not in line
    if "--json" in argv:
        assert json.loads(line)["error"]["code"] == "configuration"
    assert echo.log.count("/v1/documents") == 0  # nothing sent


# -- wait ----------------------------------------------------------------------------------


def test_wait_on_an_abandoned_job_says_to_resume(echo, sample):
    process, job_id = _held_download(echo, sample)
    kill(process)  # SIGKILL: the job stays running, its owner gone
    waited = invoke(["jobs", "wait", job_id, "--timeout", "30"])
    assert waited.exit_code == EXIT_CODES["failure"], waited.stderr
    assert "abandoned" in waited.stderr and f"transhub jobs resume {job_id}" in waited.stderr
    as_json = invoke(["jobs", "wait", job_id, "--json", "--timeout", "30"])
    [record] = json.loads(as_json.stdout)
    assert record["state"] in ("running", "finished") and "jobs resume" in record["error"]


def test_wait_timeout_under_json_is_a_json_error(echo, sample):
    process, job_id = _held_download(echo, sample)  # alive: it never ends while held
    try:
        waited = invoke(["jobs", "wait", job_id, "--json", "--timeout", "0.2"])
        assert waited.exit_code == EXIT_CODES["transient"], waited.stderr
        error = json.loads(_one_line(waited.stderr))["error"]
        assert error["code"] == "transient" and "not final after 0.2s" in error["message"]
    finally:
        kill(process)


# -- prune ---------------------------------------------------------------------------------


def test_prune_with_stdin_closed_removes_nothing(echo, sample):
    job_id = _translate(sample)
    pruned = subprocess.run(
        command("jobs", "prune", "--older-than", "0"),
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=DEADLINE, check=False,
    )  # fmt: skip
    assert pruned.returncode == EXIT_CODES["failure"], pruned.stderr
    assert "interrupted" not in pruned.stderr
    assert "standard input is closed" in pruned.stderr and "--yes" in pruned.stderr
    assert invoke(["jobs", "show", job_id]).exit_code == 0


# -- list and show -------------------------------------------------------------------------


def test_list_and_show_give_absolute_input_paths(echo, tmp_path):
    (tmp_path / "g.txt").write_text("hello\n", encoding="utf-8")
    done = invoke(["doc", "translate", "g.txt", "--to", "zh", "--provider", "echo"])
    assert done.exit_code == 0, done.stderr
    [row] = json.loads(invoke(["jobs", "list", "--json"]).stdout)
    assert row["input"] == str(tmp_path / "g.txt")
    shown = json.loads(invoke(["jobs", "show", row["job_id"], "--json"]).stdout)
    assert shown["items"][0]["input"] == str(tmp_path / "g.txt")
    assert f"{tmp_path / 'g.txt'}" in invoke(["jobs", "list"]).stdout


def test_list_checks_the_provider_and_says_when_empty(echo, sample):
    empty = invoke(["jobs", "list"])
    assert empty.exit_code == 0 and empty.stdout == "" and "no jobs" in empty.stderr
    assert json.loads(invoke(["jobs", "list", "--json"]).stdout) == []
    unknown = invoke(["jobs", "list", "--provider", "ehco"])
    assert unknown.exit_code == EXIT_CODES["routing"], unknown.stderr
    assert "did you mean echo?" in _one_line(unknown.stderr)
    _translate(sample)
    none = invoke(["jobs", "list", "--provider", "parrot"])  # installed, no jobs of it
    assert none.exit_code == 0 and "no jobs" in none.stderr
    helped = invoke(["jobs", "list", "--help"]).stdout
    assert "Only jobs of this provider" in helped and "Use this provider" not in helped


def test_show_takes_ids_in_any_case_and_says_how_many_match(echo, sample, monkeypatch):
    import itertools

    import transhub.journal.store

    counter = itertools.count(1)  # ids ab000001, ab000002, ...: one shared prefix
    monkeypatch.setattr(
        transhub.journal.store.secrets, "token_hex", lambda n: f"ab{next(counter):06d}"
    )
    docs = [sample.with_name(f"doc{n}.txt") for n in range(7)]
    for n, doc in enumerate(docs):
        doc.write_text(f"document {n}\n", encoding="utf-8")
    ids = [_translate(doc) for doc in docs]
    ids.sort()
    assert all(job_id.startswith("ab") for job_id in ids)
    upper = invoke(["jobs", "show", ids[0].upper()])
    assert upper.exit_code == 0 and ids[0] in upper.stdout, upper.stderr
    ambiguous = invoke(["jobs", "show", "AB"])
    assert ambiguous.exit_code == EXIT_CODES["input"], ambiguous.stderr
    line = _one_line(ambiguous.stderr)
    assert f"{', '.join(ids[:5])} and 2 more" in line
    empty = invoke(["jobs", "show", ""])
    assert empty.exit_code == EXIT_CODES["usage"], empty.stderr
    assert "empty" in _one_line(empty.stderr)
