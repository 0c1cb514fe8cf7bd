"""The reuse fingerprint is the provider that does the work, never the chain of
candidates: the same document at the same provider is paid once whether it got there
with ``--fallback`` or without it — real CLI against both emulators, requests counted
at each."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from transhub.testing.processes import finish, reap, run, spawn


@pytest.fixture
def transhub_plugins() -> str | None:
    """Both providers (see the ``both`` fixture)."""
    return "fanyigou,deepl"


def _paid(both: dict[str, Any]) -> tuple[int, int]:
    """(DeepL uploads, Fanyigou paid submits)."""
    fanyigou = both["fanyigou"].log
    return (
        int(both["deepl"].log.count("document.upload")),
        int(fanyigou.count("uploadTranslate") + fanyigou.count("submitForDetectDoc")),
    )


def _run(
    transhub_cli: Callable, notes: Path, out: Path, *extra: str, order: str = "deepl,fanyigou"
) -> dict[str, Any]:
    argv = (
        "-c",
        f"routing.order={order}",
        "doc",
        "translate",
        str(notes),
        "--from",
        "en",
        "--to",
        "zh",
    )
    done = transhub_cli(*argv, *extra, "-o", str(out), "--json")
    assert done.exit_code == 0, done.stderr
    [record] = json.loads(done.stdout)
    return dict(record)


def test_moved_to_fanyigou_then_named_fanyigou_pays_once(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    deepl = both["deepl"].app.emulator
    deepl.options.character_limit = 0  # 456: DeepL refuses before any payment
    moved = _run(transhub_cli, notes, tmp_path, "--fallback")
    assert moved["provider"] == "fanyigou" and _paid(both) == (1, 1)
    named = _run(transhub_cli, notes, tmp_path, "--provider", "fanyigou")
    assert named["status"] == "reused" and named["provider"] == "fanyigou"
    # Routed to Fanyigou without fallback, and with fallback once DeepL accepts again.
    deepl.options.character_limit = 10_000_000
    routed = _run(transhub_cli, notes, tmp_path, order="fanyigou,deepl")
    again = _run(transhub_cli, notes, tmp_path, "--fallback")
    assert routed["status"] == again["status"] == "reused"
    assert _paid(both) == (1, 1)


def test_accepted_with_fallback_then_without_pays_once(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    first = _run(transhub_cli, notes, tmp_path, "--fallback")
    assert first["provider"] == "deepl" and _paid(both) == (1, 0)
    plain = _run(transhub_cli, notes, tmp_path)
    assert plain["status"] == "reused" and plain["provider"] == "deepl"
    named = _run(transhub_cli, notes, tmp_path, "--provider", "deepl", "--fallback")
    assert named["status"] == "reused"
    assert _paid(both) == (1, 0)


@pytest.mark.parametrize("rerun", [("--fallback",), ("--provider", "fanyigou")])
def test_a_moved_job_killed_then_rerun_pays_each_provider_at_most_once(
    both: dict[str, Any],
    transhub_cli: Callable,
    tmp_path: Path,
    make_docx: Callable[..., Path],
    killed_after_moving: Callable[[Path, Path], list[str]],
    rerun: tuple[str, ...],
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    argv = killed_after_moving(notes, tmp_path)
    assert _paid(both) == (1, 1)
    again = run(*argv, *rerun, "--json", timeout=120)
    assert again.returncode == 0, again.stderr
    [record] = json.loads(again.stdout)
    assert record["provider"] == "fanyigou" and Path(record["output"]).is_file()
    # The orphan was adopted (its new fingerprint is Fanyigou's): nobody uploads again.
    assert _paid(both) == (1, 1)


def test_a_move_racing_a_direct_claim_of_the_same_work_pays_once(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    """Process A's job is at DeepL's door when process B, naming Fanyigou, claims the
    same work there; DeepL then refuses A (456).  A's move finds B's claim in the
    same transaction that would have moved it, so A waits for B's work instead of
    paying Fanyigou a second time."""
    notes = make_docx(tmp_path / "notes.docx")
    assert transhub_cli("config", "set", "routing.order", "deepl,fanyigou").exit_code == 0
    both["deepl"].app.emulator.options.character_limit = 0
    at_deepl = both["deepl"].app.faults.hold("document.upload", timeout=60)
    polled = both["fanyigou"].app.faults.hold("queryTransProgress", timeout=60)
    argv = ["doc", "translate", str(notes), "--from", "en", "--to", "zh", "-o", str(tmp_path)]
    argv += ["--json"]
    a = b = None
    try:
        a = spawn(*argv, "--fallback")
        assert at_deepl.arrived.wait(60), "A never reached DeepL"
        b = spawn(*argv, "--provider", "fanyigou")
        assert polled.arrived.wait(60), "B never polled Fanyigou"
        at_deepl.release()  # DeepL now refuses A: A tries to move to Fanyigou
        # B's task is still held: A cannot finish before B, whatever it did.
        polled.release()
        ended = [finish(p, timeout=120) for p in (a, b)]
    finally:
        at_deepl.release()
        polled.release()
        reap(a, b)
    outs = [(out, err) for _, out, err in ended]
    assert [code for code, _, _ in ended] == [0, 0], [err for _, err in outs]
    records = [json.loads(out)[0] for out, _ in outs]
    assert {r["provider"] for r in records} == {"fanyigou"}
    assert _paid(both) == (1, 1)
