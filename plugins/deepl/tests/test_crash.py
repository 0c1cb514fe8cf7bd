"""A transhub process killed (SIGKILL) while its paid DeepL upload is in flight: the
upload is never sent again blindly — DeepL's upload is not idempotent — and an explicit
--resubmit pays once more, knowingly.  Counted at the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transhub.testing.processes import kill, reap, run, spawn, wait_until


def test_killed_during_upload_is_not_uploaded_again(service: Any, tmp_path: Path) -> None:
    service.emulator.options.task_seconds = 0.0
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    held = service.app.faults.hold("document.upload", timeout=60)
    process = spawn("doc", "translate", str(notes), "--to", "de")
    try:
        assert held.arrived.wait(60), "the upload never reached the emulator"
        kill(process)  # SIGKILL, the transhub process itself
    finally:
        reap(process)
    held.release()  # DeepL processes the upload anyway: it was paid
    wait_until(lambda: service.count("document.upload") == 1, "the held upload to be processed")
    resumed = run("jobs", "resume")
    assert "--resubmit" in resumed.stderr + resumed.stdout
    assert not (tmp_path / "notes.de.txt").exists()
    assert service.count("document.upload") == 1  # never sent again without being asked
    again = run("jobs", "resume", "--resubmit")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "notes.de.txt").read_text(encoding="utf-8") == "[DE] one\n"
    assert service.count("document.upload") == 2
