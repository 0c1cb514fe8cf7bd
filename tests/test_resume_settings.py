"""Resume is the rerun, settings included: the ``-c`` settings a batch was run with are
recorded with it and applied again by ``jobs resume`` (secrets never recorded), in real
processes against the Fanyigou emulator, the transhub process SIGKILLed mid-batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from transhub_fanyigou.emulator import TEST_PRIVATE_KEY

DEADLINE = 60.0
#: Nothing listens here: a run that used the environment's endpoint would fail.
DEAD_ENDPOINT = "http://127.0.0.1:9/api"


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "transhub", *argv],
        capture_output=True, text=True, timeout=DEADLINE, check=False,
    )  # fmt: skip


def _docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n}.txt"
        path.write_text(f"document {n}\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def moved(fanyigou, monkeypatch: pytest.MonkeyPatch) -> str:
    """The emulator's endpoint, which only ``-c`` gives: the environment names a dead one."""
    good = os.environ["TRANSHUB_FANYIGOU_ENDPOINT"]
    monkeypatch.setenv("TRANSHUB_FANYIGOU_ENDPOINT", DEAD_ENDPOINT)
    monkeypatch.setenv("TRANSHUB_RETRIES", "1")
    return good


def test_resume_without_c_runs_as_the_interrupted_run_did(
    fanyigou, moved: str, tmp_path: Path
) -> None:
    docs = _docs(tmp_path / "in", 3)
    settings = ["-c", f"fanyigou.endpoint={moved}", "-c", "fanyigou.channels=1"]
    secret = ["-c", f"fanyigou.private_key={TEST_PRIVATE_KEY}"]
    held = fanyigou.faults.hold("downloadFile")  # the first result's download
    process = subprocess.Popen(
        [sys.executable, "-m", "transhub", *settings, *secret, "doc", "translate",
         *map(str, docs), "--to", "zh", "--provider", "fanyigou", "-o", "out", "-j", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert held.arrived.wait(DEADLINE), "the first download never came"
    finally:
        process.kill()
        process.communicate(timeout=DEADLINE)
    held.release()
    uploads = fanyigou.log.count("uploadTranslate")
    assert 1 <= uploads < 3  # interrupted: one channel, so an input never started

    # The journal has the settings, never the secret.
    journal = [p for p in (tmp_path / "home").rglob("*") if p.is_file()]
    assert any(p.name.startswith("jobs.db") for p in journal), journal
    for path in journal:
        assert TEST_PRIVATE_KEY.encode() not in path.read_bytes(), path
    listed = json.loads(_run("jobs", "list", "--json").stdout)
    shown = json.loads(_run("jobs", "show", listed[-1]["job_id"], "--json").stdout)
    assert shown["settings"] == {"fanyigou.endpoint": moved, "fanyigou.channels": "1"}
    assert shown["unrecorded"] == ["fanyigou.private_key"]
    text = _run("jobs", "show", listed[-1]["job_id"]).stdout
    assert f"-c fanyigou.channels=1 -c fanyigou.endpoint={moved}" in text

    resumed = _run("jobs", "resume")  # no -c: the recorded settings route it
    assert resumed.returncode == 0, resumed.stderr
    assert "with the settings of its run" in resumed.stderr
    assert "fanyigou.private_key" in resumed.stderr  # said: read from the environment
    for doc in docs:
        assert (
            tmp_path / "out" / f"{doc.stem}.zh.txt"
        ).read_text() == f"[zh] document {doc.stem[3:]}\n"
    assert fanyigou.log.count("uploadTranslate") == 3  # each document paid once
    for path in (tmp_path / "home").rglob("*"):
        if path.is_file():
            assert TEST_PRIVATE_KEY.encode() not in path.read_bytes(), path


def test_without_the_recorded_settings_the_same_resume_fails(
    fanyigou, moved: str, tmp_path: Path
) -> None:
    """The control: the environment's endpoint is dead, so only the recorded -c can
    have routed the resume above — and a -c given to resume wins over the record."""
    docs = _docs(tmp_path / "in", 1)
    held = fanyigou.faults.hold("downloadFile")
    process = subprocess.Popen(
        [sys.executable, "-m", "transhub", "-c", f"fanyigou.endpoint={moved}", "doc",
         "translate", str(docs[0]), "--to", "zh", "--provider", "fanyigou", "-o", "out"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert held.arrived.wait(DEADLINE), "the download never came"
    finally:
        process.kill()
        process.communicate(timeout=DEADLINE)
    held.release()
    failed = _run("-c", f"fanyigou.endpoint={DEAD_ENDPOINT}", "jobs", "resume")
    assert failed.returncode != 0
    assert not (tmp_path / "out" / "doc0.zh.txt").exists()
    assert _run("jobs", "resume").returncode == 0
    assert (tmp_path / "out" / "doc0.zh.txt").exists()
    assert fanyigou.log.count("uploadTranslate") == 1


def test_an_interrupted_conversion_batch_is_run_again_with_its_settings(
    fanyigou, moved: str, tmp_path: Path
) -> None:
    from transhub_fanyigou.emulator import outputs

    pdf = tmp_path / "in" / "report.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(outputs.pdf([["page 1"]]))
    held = fanyigou.faults.hold("downloadFile")
    process = subprocess.Popen(
        [sys.executable, "-m", "transhub", "-c", f"fanyigou.endpoint={moved}", "doc",
         "convert", str(pdf), "--format", "word", "--provider", "fanyigou", "-o", "out"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert held.arrived.wait(DEADLINE), "the download never came"
    finally:
        process.kill()
        process.communicate(timeout=DEADLINE)
    held.release()
    resumed = _run("jobs", "resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "doc convert of 1 input, run again" in resumed.stderr
    assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".docx"]
    assert fanyigou.log.count("convert") == 1  # converted once


def test_secrets_are_never_among_the_recorded_settings() -> None:
    from transhub.cli.runtime import Runtime, flatten, nest

    given = (
        "fanyigou.channels=2", "fanyigou.private_key=pk", "deepl.auth_key=ak",
        "alibaba.access_key_secret=s", "alibaba.security_token=t", "journal.url=sqlite:///x",
        "routing.order=deepl,fanyigou", "read_timeout=30",
    )  # fmt: skip
    runtime = Runtime(overrides=Runtime.parse_assignments(given))
    kept, left = runtime.recordable()
    assert kept == {
        "fanyigou.channels": "2", "routing.order": "deepl,fanyigou", "read_timeout": "30"
    }  # fmt: skip
    assert left == sorted(
        ["fanyigou.private_key", "deepl.auth_key", "alibaba.access_key_secret",
         "alibaba.security_token", "journal.url"]
    )  # fmt: skip
    assert nest(flatten(runtime.overrides)) == runtime.overrides
