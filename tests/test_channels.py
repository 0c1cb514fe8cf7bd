"""Provider channels shared through the journal: several real transhub processes on one
Fanyigou account with 2 channels never run more than 2 tasks at once and never get the
"channel occupied" answer (320) — counted at the emulator — on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from transhub.emulation import EmulatorServer
from transhub.testing.processes import reap, spawn

from transhub_fanyigou.emulator import EmulatorOptions, FanyigouEmulator
from transhub_fanyigou.sandbox import environment

DEADLINE = 90.0
TASK_SECONDS = 0.3
CHANNEL_OCCUPIED = 320


def peak(intervals: list[tuple[float, float]]) -> int:
    """The most intervals that overlap at any moment."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = highest = 0
    for _, step in events:  # an end sorts before a start at the same instant
        running += step
        highest = max(highest, running)
    return highest


@pytest.mark.usefixtures("journal_env")
def test_processes_on_one_account_share_its_two_channels(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = FanyigouEmulator(EmulatorOptions(task_seconds=TASK_SECONDS, channels=2))
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("TRANSHUB_FANYIGOU_CHANNELS", "2")
        monkeypatch.setenv("TRANSHUB_FANYIGOU_WAIT_INTERVAL", "0.02")
        processes = []
        for n in range(3):
            folder = tmp_path / f"in{n}"
            folder.mkdir()
            docs = []
            for k in range(3):
                doc = folder / f"d{n}{k}.txt"
                doc.write_text(f"document {n}-{k}\n", encoding="utf-8")
                docs.append(str(doc))
            argv = ["doc", "translate", *docs, "--to", "zh", "--provider", "fanyigou",
                    "-o", str(tmp_path / f"out{n}"), "-j", "2"]  # fmt: skip
            processes.append(spawn(*argv))
        try:
            results = [p.communicate(timeout=DEADLINE) for p in processes]
        finally:
            reap(*processes)
        tasks = [t for t in app.service.tasks.values() if t.kind == "translate"]
        spans = [(t.started, t.started + TASK_SECONDS) for t in tasks if t.started is not None]
    app.close()
    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    answers = [r.status for r in app.log.records("uploadTranslate")]
    assert answers.count(CHANNEL_OCCUPIED) == 0, answers
    assert len(answers) == 9 and len(spans) == 9  # each document paid once
    assert peak(spans) == 2  # both channels used, never a third task
    for n in range(3):
        assert len(list((tmp_path / f"out{n}").iterdir())) == 3
