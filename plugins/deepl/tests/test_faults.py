"""A batch of documents under random network faults (seeded): whatever fails, no
document is uploaded — paid — twice, across the run and the resumes that follow.
Counted at the emulator."""

from __future__ import annotations

import collections
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transhub.emulation import Faults


def test_no_document_is_paid_twice_under_faults(
    service: Any, transhub_cli: Callable, tmp_path: Path
) -> None:
    service.emulator.options.task_seconds = 0.0
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(12):
        (folder / f"doc{number}.txt").write_text(f"document {number}\n", encoding="utf-8")
    faults = Faults(error_rate=0.15, drop_rate=0.15, throttle_rate=0.1, seed=14)
    service.app.faults = faults  # the injector reads its faults per request
    first = transhub_cli("doc", "translate", str(folder), "--to", "de", "-o", str(tmp_path / "out"))
    assert "Traceback" not in first.stderr
    for _ in range(3):
        resumed = transhub_cli("jobs", "resume")
        assert "Traceback" not in resumed.stderr
    paid = [r.file_sha256 for r in service.app.log.records("document.upload") if r.status == 200]
    assert paid, "no upload got through: the fault rates leave nothing to check"
    # Each document's content was uploaded (and paid) at most once.
    assert max(collections.Counter(paid).values()) == 1
    # Every translated result on disk is a complete one.
    for result in (tmp_path / "out").glob("*.de.txt"):
        number = result.name.removeprefix("doc").split(".")[0]
        assert result.read_text(encoding="utf-8") == f"[DE] document {number}\n"
