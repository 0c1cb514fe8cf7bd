"""A transhub process killed (SIGKILL) while its paid DeepL upload is in flight: the
upload is never sent again blindly — DeepL's upload is not idempotent — and an explicit
--resubmit pays once more, knowingly.  Counted at the emulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait (bounded) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()  # never set: wait() is a bounded pause between checks
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        pause.wait(0.01)


def _transhub(*argv: str) -> list[str]:
    return [sys.executable, "-m", "transhub", *argv]


def test_killed_during_upload_is_not_uploaded_again(service: Any, tmp_path: Path) -> None:
    service.emulator.options.task_seconds = 0.0
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    held = service.app.faults.hold("document.upload", timeout=60)
    process = subprocess.Popen(
        _transhub("doc", "translate", str(notes), "--to", "de"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert held.arrived.wait(60), "the upload never reached the emulator"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    held.release()  # DeepL processes the upload anyway: it was paid
    _until(lambda: service.count("document.upload") == 1)
    resumed = subprocess.run(
        _transhub("jobs", "resume"), capture_output=True, text=True, timeout=60, check=False
    )
    assert "--resubmit" in resumed.stderr + resumed.stdout
    assert not (tmp_path / "notes.de.txt").exists()
    assert service.count("document.upload") == 1  # never sent again without being asked
    again = subprocess.run(
        _transhub("jobs", "resume", "--resubmit"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "notes.de.txt").read_text(encoding="utf-8") == "[DE] one\n"
    assert service.count("document.upload") == 2
