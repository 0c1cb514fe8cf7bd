"""Killed mid-submit and resumed, in real processes: with the two-step submit the job
journal resumes without asking, uploads nothing twice and pays once; without it, the
journal refuses to guess."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from transhub.testing import invoke
from transhub.testing.processes import kill, reap, spawn

from transhub_fanyigou.emulator import FanyigouEmulator


@pytest.fixture
def environment(cli_environment: dict[str, str]) -> dict[str, str]:
    return cli_environment


def kill_during(
    emulator: FanyigouEmulator, action: str, argv: list[str], env: dict[str, str]
) -> None:
    """Run ``transhub ARGV`` in its own process and SIGKILL it while its ``action``
    request is held at the emulator's door; then let that request through."""
    held = emulator.faults.hold(action, timeout=30)
    process = spawn(*argv, env=env, output=False)
    try:
        assert held.arrived.wait(60), f"{action} never arrived"
        kill(process)
    finally:
        held.release()
        reap(process)


def test_two_step_resumes_a_half_sent_submit_without_paying_twice(
    environment: dict[str, str], samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    environment["TRANSHUB_FANYIGOU_TWO_STEP"] = "true"
    path = samples.pdf(pages=2)
    argv = ["doc", "translate", str(path), "--to", "zh", "--provider", "fanyigou", "-o", "out"]
    kill_during(emulator, "submitForDetectDoc", argv, environment)
    before = emulator.service.balances[1]

    os.environ["TRANSHUB_FANYIGOU_TWO_STEP"] = "true"
    resumed = invoke(["jobs", "resume"])
    assert resumed.exit_code == 0, resumed.stderr
    assert (tmp_path / "out" / "report.zh.pdf").read_bytes().startswith(b"%PDF")
    # One upload (the page count) and one paid submit.  The killed client's submit is
    # processed when its body had fully arrived (then the resumed one is refused as a
    # duplicate, 326), or lost with the connection (then the resumed one is the first).
    assert [r.action for r in emulator.log.uploads()] == ["detectDocPage"]
    answers = [r.status for r in emulator.log.records("submitForDetectDoc")]
    assert answers in ([100, 326], [100])
    assert emulator.service.balances[1] == before - 2


def test_without_two_step_a_half_sent_upload_is_not_resent_blindly(
    environment: dict[str, str], samples: Any, emulator: FanyigouEmulator
) -> None:
    argv = ["doc", "translate", str(samples.text()), "--to", "zh", "--provider", "fanyigou"]
    kill_during(emulator, "uploadTranslate", argv, environment)
    resumed = invoke(["jobs", "resume"])
    assert resumed.exit_code != 0
    assert "may have been submitted" in resumed.stderr
    # The killed upload reached the service or died with the connection; either way
    # it was not sent again.
    assert emulator.log.count("uploadTranslate") <= 1
