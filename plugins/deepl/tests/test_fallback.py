"""--fallback with Fanyigou and DeepL both configured, through the real CLI against both
emulators, requests counted: a job refused before any payment (DeepL 456, Fanyigou's
busy channel 320, throttling) moves to the next candidate and is paid once; a rerun
reuses its result; a submit that may have been paid never moves; without --fallback
the refusal is reported with its exit code and a hint naming --fallback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from transhub.emulation import Fault
from transhub.errors import EXIT_CODES

DEEPL_FIRST = ("-c", "routing.order=deepl,fanyigou")
FANYIGOU_FIRST = ("-c", "routing.order=fanyigou,deepl")


@pytest.fixture
def transhub_plugins() -> str | None:
    """Both providers (see the ``both`` fixture)."""
    return "fanyigou,deepl"


def _deepl_uploads(both: dict[str, Any]) -> int:
    return int(both["deepl"].log.count("document.upload"))


def _fanyigou_sent(both: dict[str, Any]) -> int:
    """Fanyigou's paid submits (the upload that starts translating, or the submit of
    a counted upload)."""
    log = both["fanyigou"].log
    return int(log.count("uploadTranslate") + log.count("submitForDetectDoc"))


def _job(transhub_cli: Callable, job_id: str) -> dict[str, Any]:
    shown = transhub_cli("jobs", "show", job_id, "--json")
    assert shown.exit_code == 0, shown.stderr
    return dict(json.loads(shown.stdout))


def _translate(transhub_cli: Callable, *argv: str) -> Any:
    return transhub_cli(*argv, "doc", "translate", "--json")


def test_a_document_refused_for_quota_moves_and_a_rerun_pays_nothing(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    deepl = both["deepl"].app.emulator
    deepl.options.character_limit = 0  # every upload is refused with 456 (quota)
    argv = (*DEEPL_FIRST, "-v", "doc", "translate", str(notes), "--from", "en", "--to", "zh")
    moved = transhub_cli(*argv, "--fallback", "-o", str(tmp_path), "--json")
    assert moved.exit_code == 0, moved.stderr
    assert "fallback document: deepl refused it before any payment (quota" in moved.stderr
    assert "moving to fanyigou" in moved.stderr
    [record] = json.loads(moved.stdout)
    assert record["provider"] == "fanyigou" and record["status"] == "completed"
    assert Path(record["output"]).is_file()
    assert (_deepl_uploads(both), _fanyigou_sent(both)) == (1, 1)
    assert deepl.documents == {}  # DeepL started nothing: nothing paid there
    job = _job(transhub_cli, record["job_id"])
    assert job["provider"] == "fanyigou" and job["state"] == "completed"
    [refused] = job["attempts"]
    assert (refused["provider"], refused["error"], refused["code"]) == ("deepl", "quota", 456)
    assert refused["message"] and refused["at"]
    table = transhub_cli("jobs", "show", record["job_id"])
    assert "deepl refused it" in table.stdout and "456" in table.stdout

    # The same command again reuses the result — also once DeepL would accept.
    deepl.options.character_limit = 10_000_000
    again = transhub_cli(*argv, "--fallback", "-o", str(tmp_path), "--json")
    assert again.exit_code == 0, again.stderr
    [reused] = json.loads(again.stdout)
    assert reused["status"] == "reused" and reused["provider"] == "fanyigou"
    assert (_deepl_uploads(both), _fanyigou_sent(both)) == (1, 1)


def test_without_fallback_the_refusal_names_it_and_nothing_moves(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    both["deepl"].app.emulator.options.character_limit = 0
    refused = transhub_cli(
        *DEEPL_FIRST, "doc", "translate", str(notes), "--to", "zh", "-o", str(tmp_path)
    )
    assert refused.exit_code == EXIT_CODES["quota"], refused.stderr
    assert "--fallback (then: fanyigou)" in refused.stderr
    assert _fanyigou_sent(both) == 0 and not both["fanyigou"].requests
    # The setting turns it on as the flag does.
    setting = transhub_cli(
        *DEEPL_FIRST, "-c", "routing.fallback=true", "doc", "translate", str(notes),
        "--from", "en", "--to", "zh", "-o", str(tmp_path),
    )  # fmt: skip
    assert setting.exit_code == 0, setting.stderr
    assert _fanyigou_sent(both) == 1


def test_a_busy_channel_moves_at_once(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    fanyigou = both["fanyigou"].app.service
    fanyigou.options.channels = 0  # every translation submit is answered 320
    moved = transhub_cli(
        *FANYIGOU_FIRST, "-v", "doc", "translate", str(notes), "--from", "en", "--to", "de",
        "-o", str(tmp_path), "--fallback", "--json",
    )  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    [record] = json.loads(moved.stdout)
    assert record["provider"] == "deepl"
    assert "fanyigou refused it before any payment (rate-limit" in moved.stderr
    assert "waiting for a free fanyigou channel" not in moved.stderr  # not waited for
    assert _deepl_uploads(both) == 1
    [refused] = _job(transhub_cli, record["job_id"])["attempts"]
    assert (refused["provider"], refused["code"]) == ("fanyigou", 320)


def test_a_throttled_text_moves(both: dict[str, Any], transhub_cli: Callable) -> None:
    both["deepl"].app.faults.queue(Fault.THROTTLE, action="translate", times=2)
    argv = ("-c", "retries=1", *DEEPL_FIRST, "-v", "text", "Hello", "--from", "en", "--to", "zh")
    refused = transhub_cli(*argv)
    assert refused.exit_code == EXIT_CODES["rate-limit"], refused.stderr
    assert "--fallback (then: fanyigou)" in refused.stderr
    assert not both["fanyigou"].requests
    both["deepl"].app.faults.queue(Fault.THROTTLE, action="translate", times=2)
    moved = transhub_cli(*argv, "--fallback", "--json")
    assert moved.exit_code == 0, moved.stderr
    assert "fallback text: deepl refused it before any payment (rate-limit" in moved.stderr
    assert "routing text to fanyigou (chosen by fallback from deepl)" in moved.stderr
    assert both["fanyigou"].requests  # Fanyigou translated it
    # Two refused runs of two tries each (the retry budget), nothing processed.
    assert both["deepl"].requests.count("POST /v2/translate") == 4
    assert both["deepl"].app.emulator.characters == {}


def test_no_move_after_a_possibly_paid_upload(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    notes = make_docx(tmp_path / "notes.docx")
    # DeepL receives and processes the upload, then the connection drops mid-answer.
    both["deepl"].app.faults.queue(Fault.DROP_AFTER, action="document.upload")
    result = transhub_cli(
        *DEEPL_FIRST, "doc", "translate", str(notes), "--to", "zh", "-o", str(tmp_path),
        "--fallback",
    )  # fmt: skip
    assert result.exit_code == EXIT_CODES["transient"], result.stderr
    assert "may have reached the provider" in result.stderr
    assert _deepl_uploads(both) == 1
    assert not both["fanyigou"].requests  # no second provider touched
    listed = transhub_cli("jobs", "list", "--json")
    [job] = json.loads(listed.stdout)
    shown = _job(transhub_cli, job["job_id"])
    assert shown["provider"] == "deepl" and shown["state"] == "submitting"
    assert shown["sending_at"] and shown["attempts"] == []
    assert "may have been submitted" in transhub_cli("jobs", "show", job["job_id"]).stdout


def test_billed_characters_are_recorded_and_shown(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("one two three\n", encoding="utf-8")
    done = transhub_cli(
        "doc", "translate", str(notes), "--to", "de", "--provider", "deepl",
        "-o", str(tmp_path), "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    [record] = json.loads(done.stdout)
    assert record["billed_characters"] == len("one two three\n")
    job = _job(transhub_cli, record["job_id"])
    assert job["billed_characters"] == len("one two three\n")
    assert (
        f"billed characters: {len('one two three') + 1}"
        in transhub_cli("jobs", "show", record["job_id"]).stdout
    )
    text = transhub_cli("text", "Hallo Welt", "--to", "en", "--provider", "deepl", "--json")
    assert json.loads(text.stdout)["billed_characters"] == len("Hallo Welt")
    other = tmp_path / "other.txt"
    other.write_text("four\n", encoding="utf-8")
    summary = transhub_cli(
        "doc", "translate", str(notes), str(other), "--to", "de", "--provider", "deepl",
        "-o", str(tmp_path / "table"), "--force",
    )  # fmt: skip
    assert summary.exit_code == 0, summary.stderr
    header, _rule, *rows = summary.stdout.splitlines()
    columns = "input provider pages billed_characters status output or error"
    assert header.split() == columns.split()
    billed = header.index("billed_characters")  # the column's cells, under its header
    assert [row[billed : billed + 17].strip() for row in rows] == ["14", "5"]


def test_the_python_api_falls_back_too(
    both: dict[str, Any], transhub_cli: Callable, tmp_path: Path, make_docx: Callable[..., Path]
) -> None:
    import transhub
    from transhub.errors import QuotaError

    assert transhub_cli("config", "set", "routing.order", "deepl,fanyigou").exit_code == 0
    notes = make_docx(tmp_path / "notes.docx")
    both["deepl"].app.emulator.options.character_limit = 0
    with pytest.raises(QuotaError, match="456") as refused:
        transhub.Hub().translate_document(notes, "zh", source="en", output_dir=tmp_path)
    assert "--fallback (then: fanyigou)" in str(refused.value)
    assert refused.value.refused
    result = transhub.Hub().translate_document(
        notes, "zh", source="en", output_dir=tmp_path, fallback=True
    )
    assert result.provider == "fanyigou" and result.output.is_file()
    assert transhub.Hub().journal.get(result.job_id).attempts[0]["code"] == 456
    assert (_deepl_uploads(both), _fanyigou_sent(both)) == (2, 1)


def test_a_moved_job_killed_while_running_resumes_where_it_moved(
    both: dict[str, Any],
    transhub_cli: Callable,
    tmp_path: Path,
    make_docx: Callable[..., Path],
    killed_after_moving: Callable[[Path, Path], list[str]],
) -> None:
    from transhub.testing.processes import run

    notes = make_docx(tmp_path / "notes.docx")
    killed_after_moving(notes, tmp_path)
    assert (_deepl_uploads(both), _fanyigou_sent(both)) == (1, 1)
    resumed = run("jobs", "resume", "--json", timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert (tmp_path / "notes.zh.docx").is_file()
    # Resumed at Fanyigou, where it moved: DeepL is not asked again, nothing paid twice.
    assert (_deepl_uploads(both), _fanyigou_sent(both)) == (1, 1)
    jobs = json.loads(transhub_cli("jobs", "list", "--json").stdout)
    moved = [_job(transhub_cli, j["job_id"]) for j in jobs if j["provider"] == "fanyigou"]
    # The moved job, and the batch run again by `jobs resume` reusing its result.
    assert sorted(
        (j["state"], [a["provider"] for a in j["attempts"]], j["message"] == "reused")
        for j in moved
    ) == [("completed", [], True), ("completed", ["deepl"], False)]
