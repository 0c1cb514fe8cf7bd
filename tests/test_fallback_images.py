"""``--fallback`` for image tasks, through the real CLI against two emulators that
both take image URLs — the echo test service (three images a task) and Alibaba's
(twenty a task) — with the tasks each one created counted: a task refused before
any payment moves to the next candidate (whole, or regrouped in that provider's
task size), reruns with or without ``--fallback`` pay nothing again, a process
killed after the move is adopted, a task partly held elsewhere pays only for the
rest, and a submit of unknown fate does not move."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from transhub.emulation import EmulatorServer, Fault
from transhub.errors import EXIT_CODES

from transhub_alibaba.client import POLL, SUBMIT
from transhub_alibaba.emulator import EmulatorOptions, create_emulator
from transhub_alibaba.sandbox import environment

URLS = [f"https://img.example.com/catalog/p{n:02d}.jpg" for n in range(5)]
IMAGES = "/v1/images"  # echo's submit


@pytest.fixture
def alibaba(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Alibaba's emulator on loopback (tasks finish at once), the plugin pointed at it."""
    app = create_emulator(EmulatorOptions(task_seconds=0.0))
    with EmulatorServer(app) as server:
        for key, value in environment(server.url).items():
            monkeypatch.setenv(key, value)
        yield app


@pytest.fixture
def both(alibaba: Any, echo: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Both emulators; one attempt per request (a throttled submit is refused at once)."""
    monkeypatch.setenv("TRANSHUB_RETRIES", "0")
    return {"alibaba": alibaba, "echo": echo}


def paid(both: dict[str, Any]) -> tuple[int, int]:
    """(echo's image tasks, Alibaba's tasks): every task each service created."""
    return len(both["echo"].service.images), both["alibaba"].emulator.task_count()


def refusing(emulator: Any, action: str, on: bool = True) -> None:
    """Make ``emulator`` throttle every ``action`` (refused before any payment)."""
    emulator.faults.actions = frozenset({action})
    emulator.faults.throttle_rate = 1.0 if on else 0.0


def translate(
    cli: Callable[..., Any], urls: list[str], *extra: str, order: str = "echo,alibaba"
) -> tuple[int, list[dict[str, Any]], str]:
    done = cli(
        "-v", "-c", f"routing.order={order}", "image", "translate", *urls,
        "--from", "zh", "--to", "en", "-o", "out", "--json", *extra,
    )  # fmt: skip
    records = json.loads(done.stdout) if done.stdout.strip() else []
    return done.exit_code, records, done.stderr


def test_a_refused_task_moves_whole_and_reruns_pay_nothing(
    both: dict[str, Any], cli: Callable[..., Any]
) -> None:
    urls = URLS[:2]
    refusing(both["echo"], IMAGES)
    code, records, err = translate(cli, urls)
    assert code == EXIT_CODES["failure"], err
    assert "--fallback (then: alibaba)" in json.dumps(records), records
    assert paid(both) == (0, 0)
    code, records, err = translate(cli, urls, "--fallback")
    assert code == 0, err
    assert "fallback image: echo refused it before any payment (rate-limit" in err
    assert [(r["provider"], r["status"]) for r in records] == [("alibaba", "completed")] * 2
    assert paid(both) == (0, 1)  # one task of both images
    shown = json.loads(cli("jobs", "show", records[0]["job_id"], "--json").stdout)
    assert shown["provider"] == "alibaba"
    assert [(a["provider"], a["code"]) for a in shown["attempts"]] == [("echo", 429)]
    # Echo accepts again: without --fallback, with it, or naming Alibaba — reused.
    refusing(both["echo"], IMAGES, on=False)
    for extra in ((), ("--fallback",), ("--provider", "alibaba")):
        code, records, err = translate(cli, urls, *extra)
        assert code == 0, err
        assert [(r["provider"], r["status"]) for r in records] == [("alibaba", "reused")] * 2
    assert paid(both) == (0, 1)


def test_a_task_too_big_for_the_next_candidate_is_regrouped_in_its_size(
    both: dict[str, Any], cli: Callable[..., Any]
) -> None:
    refusing(both["alibaba"], SUBMIT)
    code, records, err = translate(cli, URLS, "--fallback", order="alibaba,echo")
    assert code == 0, err
    assert [(r["provider"], r["status"]) for r in records] == [("echo", "completed")] * 5
    assert paid(both) == (2, 0)  # echo's tasks of 3 and 2; Alibaba started none
    assert sorted(len(t["urls"]) for t in both["echo"].service.images.values()) == [2, 3]
    refusing(both["alibaba"], SUBMIT, on=False)
    code, records, err = translate(cli, URLS, order="alibaba,echo")
    assert code == 0, err
    assert {r["status"] for r in records} == {"reused"}
    assert paid(both) == (2, 0)


def spawn(urls: list[str], *extra: str) -> subprocess.Popen[str]:
    """``transhub image translate URLS --fallback`` in a real process."""
    argv = [sys.executable, "-m", "transhub", "-c", "routing.order=echo,alibaba", "image"]
    argv += ["translate", *urls, "--from", "zh", "--to", "en", "-o", "out", "--json", *extra]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stopped(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


@pytest.mark.parametrize("rerun", [(), ("--fallback",), ("jobs", "resume")])
def test_a_moved_task_killed_then_rerun_is_adopted_and_paid_once(
    both: dict[str, Any], cli: Callable[..., Any], rerun: tuple[str, ...]
) -> None:
    urls = URLS[:2]
    refusing(both["echo"], IMAGES)
    held = both["alibaba"].faults.hold(POLL, timeout=60)
    process = spawn(urls, "--fallback")
    try:
        assert held.arrived.wait(60), "the moved task never polled Alibaba"
        os.kill(process.pid, signal.SIGKILL)  # the transhub process itself
        process.wait(timeout=30)
    finally:
        held.release()
        stopped(process)
    assert paid(both) == (0, 1)
    refusing(both["echo"], IMAGES, on=False)  # echo would take it now: it must not
    if rerun == ("jobs", "resume"):  # the moved job finished, then its batch run again
        done = cli("-c", "routing.order=echo,alibaba", "jobs", "resume", "--json")
        assert done.exit_code == 0, done.stderr
        [job, *records] = json.loads(done.stdout)
        assert job["state"] == "completed", job
        assert [(r["provider"], r["status"]) for r in records] == [("alibaba", "reused")] * 2
    else:
        code, records, err = translate(cli, urls, *rerun)
        assert code == 0, err
        assert [(r["provider"], r["status"]) for r in records] == [("alibaba", "completed")] * 2
    assert all(Path(r["output"]).is_file() for r in records)
    assert paid(both) == (0, 1)


def test_a_task_partly_held_at_the_next_candidate_pays_only_for_the_rest(
    both: dict[str, Any], cli: Callable[..., Any]
) -> None:
    """Process A's task of three images is at echo's door when the first image is
    translated at Alibaba by a run naming it; echo then refuses A.  A's move finds
    that image held in the move's transaction: the task is regrouped at Alibaba,
    the held image reused and only the other two paid."""
    urls = URLS[:3]
    refusing(both["echo"], IMAGES)
    at_echo = both["echo"].faults.hold(IMAGES, timeout=60)
    process = spawn(urls, "--fallback")
    try:
        assert at_echo.arrived.wait(60), "A never reached echo"
        code, records, err = translate(cli, urls[:1], "--provider", "alibaba")
        assert code == 0 and records[0]["status"] == "completed", err
        at_echo.release()  # echo refuses A now
        out, err = process.communicate(timeout=120)
    finally:
        at_echo.release()
        stopped(process)
    assert process.returncode == 0, err
    records = json.loads(out)
    assert [(r["provider"], r["status"]) for r in records] == [
        ("alibaba", "reused"),
        ("alibaba", "completed"),
        ("alibaba", "completed"),
    ]
    assert paid(both) == (0, 2)
    tasks = both["alibaba"].emulator.tasks.values()
    assert sorted(len(t.urls) for t in tasks) == [1, 2]


@pytest.mark.parametrize("fault", [Fault.DROP_AFTER, Fault.ERROR])
def test_a_submit_of_unknown_fate_does_not_move(
    both: dict[str, Any], cli: Callable[..., Any], fault: Fault
) -> None:
    both["echo"].faults.queue(fault, action=IMAGES)
    code, records, _ = translate(cli, URLS[:2], "--fallback")
    assert code != 0
    assert both["alibaba"].emulator.task_count() == 0  # no other provider touched
    assert {r["provider"] for r in records} == {"echo"}, records
    listed = json.loads(cli("jobs", "list", "--json").stdout)
    [job] = [j for j in listed if j["capability"] == "image"]
    shown = json.loads(cli("jobs", "show", job["job_id"], "--json").stdout)
    assert shown["provider"] == "echo" and shown["state"] == "submitting", shown
    assert shown["sending_at"] and shown["message"] == "may have been submitted", shown
    assert not shown["attempts"], shown


def test_the_setting_and_the_python_api_fall_back_too(
    both: dict[str, Any], cli: Callable[..., Any], tmp_path: Path
) -> None:
    import transhub

    refusing(both["echo"], IMAGES)
    assert cli("config", "set", "routing.order", "echo,alibaba").exit_code == 0
    off = transhub.translate_images(URLS[:1], "en", source="zh", output_dir=tmp_path / "api")
    assert [(o.provider, o.success) for o in off] == [("echo", False)]
    [moved] = transhub.translate_images(
        URLS[:1], "en", source="zh", output_dir=tmp_path / "api", fallback=True
    )
    assert moved.provider == "alibaba" and moved.success and moved.outputs["image"].is_file()
    assert paid(both) == (0, 1)
    # routing.fallback: the CLI without --fallback moves; --no-fallback does not.
    assert cli("config", "set", "routing.fallback", "true").exit_code == 0
    code, records, err = translate(cli, URLS[1:2], "--no-fallback")
    assert code == EXIT_CODES["rate-limit"] and records[0]["provider"] == "echo", err
    code, records, err = translate(cli, URLS[1:2])
    assert code == 0 and records[0]["provider"] == "alibaba", err
    assert paid(both) == (0, 2)
