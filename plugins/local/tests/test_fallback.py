"""--fallback to the local provider: with Fanyigou first in routing.order, an OCR or a
dictionary request that Fanyigou refuses before any payment (throttled past the retry
budget) is answered offline by the local provider; without --fallback the refusal is
reported with its exit code and a hint naming --fallback.  Counted at the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from transhub.emulation import Fault
from transhub.errors import EXIT_CODES
from transhub.testing import invoke

ORDER = ("-c", "routing.order=fanyigou,local", "-c", "retries=0")


@pytest.fixture
def fanyigou(
    transhub_sandbox: Callable[..., Any], isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Fanyigou's emulator, with the local provider beside it (and this module's home,
    which shares the dictionary index)."""
    emulator = transhub_sandbox("fanyigou")
    monkeypatch.setenv("TRANSHUB_HOME", str(isolated))
    monkeypatch.setenv("TRANSHUB_PLUGINS", "fanyigou,local")
    return emulator


def test_a_throttled_dictionary_falls_back_to_local(fanyigou: Any) -> None:
    fanyigou.faults.queue(Fault.THROTTLE, action="dict/search")
    refused = invoke([*ORDER, "dict", "translate", "--from", "en", "--to", "zh"])
    assert refused.exit_code == EXIT_CODES["rate-limit"], refused.stderr
    assert "--fallback (then: local)" in refused.stderr
    fanyigou.faults.queue(Fault.THROTTLE, action="dict/search")
    moved = invoke(
        [*ORDER, "-v", "dict", "translate", "--from", "en", "--to", "zh", "--fallback", "--json"]
    )
    assert moved.exit_code == 0, moved.stderr
    assert "fallback dictionary: fanyigou refused it before any payment" in moved.stderr
    entry = json.loads(moved.stdout)
    assert "CC-CEDICT" in entry["attribution"]  # the local dictionary answered
    assert any("翻译" in m["part_of_speech"] for m in entry["meanings"])
    assert len(fanyigou.requests) == 2  # one refused request per run, nothing more


def test_a_throttled_ocr_falls_back_to_local(
    fanyigou: Any, sample: Path, lines: tuple[str, ...]
) -> None:
    fanyigou.faults.queue(Fault.THROTTLE, action="image/ocrUploadImage")
    moved = invoke([*ORDER, "-v", "ocr", str(sample), "--fallback", "--json"])
    assert moved.exit_code == 0, moved.stderr
    assert "fallback ocr: fanyigou refused it before any payment (rate-limit" in moved.stderr
    assert [line["text"] for line in json.loads(moved.stdout)["lines"]] == list(lines)
    assert len(fanyigou.requests) == 1  # the refused one
