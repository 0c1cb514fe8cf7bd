"""End to end through the core: the real ``transhub`` CLI (in-process) and
``transhub.Hub``, with the plugin found through its entry point and talking to the
emulator over loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from transhub.emulation import Fault
from transhub.errors import EXIT_CODES
from transhub.testing import CliResult, invoke

from transhub_alibaba.client import POLL, SUBMIT

SECRET_MARK = "do-not-print-this-secret"


def urls(count: int, failing: int | None = None) -> list[str]:
    made = [f"https://img.example.com/catalog/p{n:02d}.jpg" for n in range(count)]
    if failing is not None:
        made[failing] = "https://img.example.com/catalog/emulator-fail.jpg"
    return made


def translate(*args: str) -> CliResult:
    return invoke(["image", "translate", *args, "--to", "en", "--provider", "alibaba"])


def test_45_urls_three_tasks_one_failure_table(service: Any, tmp_path: Path) -> None:
    batch = urls(45, failing=30)
    result = translate(*batch, "-o", "out")
    assert result.exit_code != 0
    assert "1 of 45 images failed" in result.stderr
    rows = [line for line in result.lines if line.startswith("https://")]
    assert [row.split()[0] for row in rows] == batch
    failed = [row for row in rows if " failed " in row]
    assert len(failed) == 1
    assert "emulator-fail.jpg" in failed[0]
    assert "107" in failed[0]
    # Three tasks of 20, 20 and 5 URLs, each submitted once.
    submits = service.app.log.records(SUBMIT)
    assert sorted(len(r.fields["ImageUrls"].split(",")) for r in submits) == [5, 20, 20]
    assert service.emulator.task_count() == 3
    saved = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(saved) == 44
    assert "p00.en.png" in saved
    assert not any(name.startswith(".") for name in saved)  # no partial files left


def test_json_output_one_array_of_every_image(service: Any, tmp_path: Path) -> None:
    batch = urls(45, failing=3)
    result = translate(*batch, "-o", "out", "--json")
    assert result.exit_code != 0
    objects = json.loads(result.stdout)
    assert [o["input"] for o in objects] == batch
    failed = [o for o in objects if o["status"] != "completed"]
    assert len(failed) == 1
    assert failed[0]["code"] == "107"
    assert failed[0]["error"]
    for record in objects:
        assert record["provider"] == "alibaba"
        if record["status"] == "completed":
            output = Path(record["output"])
            assert output.read_bytes().startswith(b"\x89PNG")


def test_all_good_exits_zero_and_files_match_the_emulator(service: Any, tmp_path: Path) -> None:
    batch = urls(3)
    result = translate(*batch, "-o", "out", "--jsonl")
    assert result.exit_code == 0, result.stderr
    objects = [json.loads(line) for line in result.lines]
    task_id = objects[0]["task_id"]
    for index, record in enumerate(objects):
        assert Path(record["output"]).read_bytes() == service.emulator.result_bytes(task_id, index)


def test_options_reach_the_service(service: Any, tmp_path: Path) -> None:
    result = translate(
        urls(1)[0], "--field", "e-commerce", "--editor-data", "--ignore-entity", "--jsonl"
    )
    assert result.exit_code == 0, result.stderr
    submitted = service.app.log.records(SUBMIT)[0].fields
    assert submitted["Field"] == "e-commerce"
    assert json.loads(submitted["Ext"]) == {
        "ignoreEntityRecognize": "true",
        "needEditorData": "true",
    }
    outputs = json.loads(result.lines[0])["outputs"]
    assert set(outputs) == {"image", "inpainting", "template"}
    assert json.loads(Path(outputs["template"]).read_text())["emulator"] is True


def test_repeated_urls_are_translated_once(service: Any) -> None:
    one, two = urls(2)
    result = translate(one, two, one, "--jsonl")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["input"] for line in result.lines] == [one, two, one]
    assert service.app.log.records(SUBMIT)[0].fields["ImageUrls"] == f"{one},{two}"


def test_a_local_file_is_rejected_before_any_request(service: Any, tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    result = translate(str(image), urls(1)[0])
    assert result.exit_code == EXIT_CODES["input"]
    assert "public URLs only" in result.stderr
    assert len(service.app.log) == 0


def test_a_dropped_submit_is_not_a_second_task(service: Any) -> None:
    service.app.faults.queue(Fault.DROP_AFTER, action=SUBMIT)
    result = translate(*urls(2), "--json")
    assert result.exit_code == 0, result.stderr
    assert service.app.log.count(SUBMIT) == 2
    assert service.emulator.task_count() == 1


def test_throttling_is_waited_out(service: Any) -> None:
    service.options.throttle_retry_after = 0.01
    service.app.faults.queue(Fault.THROTTLE, action=POLL, times=2)
    result = translate(*urls(2))
    assert result.exit_code == 0, result.stderr
    assert service.app.faults.pending() == 0


def test_a_single_image_throttled_for_good_exits_with_the_throttling_code(
    service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: one image, refused for throttling on every try, is the rate-limit exit
    code (as a single document is), not the batch's "1 of 1 failed"."""
    monkeypatch.setenv("TRANSHUB_RETRIES", "1")
    service.options.throttle_retry_after = 0.01
    service.app.faults.queue(Fault.THROTTLE, action=SUBMIT, times=5)
    result = translate(*urls(1))
    assert result.exit_code == EXIT_CODES["rate-limit"], result.stdout + result.stderr
    assert service.app.faults.pending() < 5  # the submit was throttled, and retried
    assert service.emulator.task_count() == 0  # nothing was started, nothing paid


def test_wrong_secret(service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_SECRET", SECRET_MARK)
    result = invoke(
        ["--debug", "image", "translate", urls(1)[0], "--to", "en", "--provider", "alibaba"]
    )
    assert result.exit_code == EXIT_CODES["authentication"]
    assert "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET" in result.stderr
    assert SECRET_MARK not in result.stdout + result.stderr


def test_missing_credentials_name_both_variables(
    service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSHUB_ALIBABA_ACCESS_KEY_SECRET")
    result = translate(urls(1)[0])
    assert result.exit_code != 0
    assert "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in result.stderr
    assert len(service.app.log) == 0


def test_hub_translate_images(service: Any, tmp_path: Path) -> None:
    from transhub import Hub

    batch = urls(25, failing=21)
    hub = Hub()
    try:
        outcomes = hub.translate_images(batch, "en", provider="alibaba", output_dir=tmp_path / "o")
    finally:
        hub.close()
    assert [o.input for o in outcomes] == batch
    assert [o.success for o in outcomes].count(False) == 1
    assert not outcomes[21].success
    assert outcomes[21].code == "107"
    assert outcomes[0].outputs["image"].read_bytes().startswith(b"\x89PNG")
    assert service.emulator.task_count() == 2


def test_providers_lists_alibaba_as_configured(service: Any) -> None:
    result = invoke(["providers"])
    assert result.exit_code == 0
    row = next(line for line in result.lines if line.startswith("alibaba"))
    assert "image" in row
    assert "yes" in row


def test_two_urls_with_one_file_name_get_two_outputs(service: Any, tmp_path: Path) -> None:
    first, second = "https://a.example/x/photo.jpg", "https://b.example/y/photo.jpg"
    result = translate(first, second, "-o", "out", "--jsonl")
    assert result.exit_code == 0, result.stderr
    outputs = [Path(json.loads(line)["output"]) for line in result.lines]
    assert outputs[0] != outputs[1]
    assert {p.name for p in outputs} == {"photo.en.png", "photo-2.en.png"}
    assert outputs[0].read_bytes() != outputs[1].read_bytes()  # each is its own URL's result


def test_debug_output_never_shows_the_secret(service: Any, tmp_path: Path) -> None:
    from transhub_alibaba.sandbox import TEST_ACCESS_KEY_SECRET

    service.app.faults.queue(Fault.DROP_AFTER, action=SUBMIT)
    result = invoke(["--debug", "-vv", "image", "translate", *urls(2), "--to", "en", "-o", "out"])
    assert result.exit_code == 0, result.stderr
    assert "TranslateImageBatch" in result.stderr  # the debug log did run
    assert TEST_ACCESS_KEY_SECRET not in result.stdout + result.stderr


def test_no_more_tasks_run_at_once_than_the_setting_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``alibaba.max_concurrent_tasks`` bounds the tasks in flight: a slot is taken
    again only after its task was seen finished, so at the emulator no task starts
    while that many others are still running (timestamps from the emulator's clock)."""
    from transhub.emulation import EmulatorServer

    from transhub_alibaba.emulator import EmulatorOptions, create_emulator
    from transhub_alibaba.sandbox import environment

    duration = 0.5
    app = create_emulator(EmulatorOptions(task_seconds=duration))
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("TRANSHUB_POLL_INTERVAL", "0.05")
        options = ["--to", "en", "--provider", "alibaba", "-o", str(tmp_path / "out")]
        result = invoke(
            ["-c", "alibaba.max_concurrent_tasks=2", "image", "translate", *urls(100), *options]
        )
    assert result.exit_code == 0, result.stderr
    starts = sorted(task.created_at for task in app.emulator.tasks.values())
    assert len(starts) == 5
    for start in starts:
        running = [s for s in starts if s < start < s + duration]
        assert len(running) <= 1, (start, starts)
    # Two at once, not one: the first two tasks overlapped.
    assert starts[1] < starts[0] + duration
