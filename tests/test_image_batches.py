"""Image batches have the documents' batch options and board (through the real CLI, a
pty for the board), refused inputs stand in the records, and the Python API runs many
plans as one batch with events."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from transhub.errors import EXIT_CODES
from transhub.testing import make_image
from transhub.testing.terminal import on_pty

DEADLINE = 60.0


def images(folder: Path) -> dict[str, Path]:
    """a.png and c.png at the top, sub/b.png below, and two files that are not PNGs."""
    (folder / "sub").mkdir(parents=True)
    made = {
        "a": make_image(folder / "a.png", 40, 40),
        "b": make_image(folder / "sub" / "b.png", 50, 40),
        "c": make_image(folder / "c.png", 60, 40),
    }
    (folder / "notes.txt").write_text("not an image\n")
    (folder / "sub" / "d.jpg").write_bytes(b"")
    return made


def uploads(fanyigou) -> int:
    return fanyigou.log.count("image/uploadTranslateImage")


def test_image_translate_expands_folders_in_input_order(cli, fanyigou, tmp_path):
    made = images(tmp_path / "in")
    argv = ["image", "translate", str(made["c"]), str(tmp_path / "in"), "-r",
            "--include", "*.png", "--to", "en", "--provider", "fanyigou", "-o", "out",
            "-j", "3", "--json"]  # fmt: skip
    result = cli(*argv)
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    # the file named first, then the folder's files in order (c.png again: paid once)
    assert [r["input"] for r in records] == [
        str(made["c"].absolute()),
        str(made["a"].absolute()),
        str(made["c"].absolute()),
        str(made["b"].absolute()),
    ]
    assert [r["status"] for r in records] == ["completed"] * 4
    assert uploads(fanyigou) == 3
    assert result.stderr.count("-j 3 capped to 1: fanyigou allows 1 channel") == 1
    without_r = cli("image", "translate", str(tmp_path / "in"), "--include", "*.png", "--to",
                    "en", "--provider", "fanyigou", "-o", "out2", "--jsonl")  # fmt: skip
    assert without_r.exit_code == 0, without_r.stderr
    lines = [json.loads(line) for line in without_r.stdout.splitlines()]
    assert [Path(r["input"]).name for r in lines] == ["a.png", "c.png"]  # not sub/b.png


def test_bad_images_refuse_the_batch_or_stand_failed_with_keep_going(cli, fanyigou, tmp_path):
    made = images(tmp_path / "in")
    bad = tmp_path / "in" / "notes.txt"
    argv = ["image", "translate", str(made["a"]), str(bad), str(made["b"]),
            str(tmp_path / "in" / "sub" / "d.jpg"), "--to", "en", "--provider", "fanyigou",
            "-o", "out"]  # fmt: skip
    refused = cli(*argv)
    assert refused.exit_code == EXIT_CODES["input"]
    assert "2 of 4 inputs cannot be translated; nothing was sent" in refused.stderr
    assert "notes.txt" in refused.stderr and "d.jpg" in refused.stderr
    assert uploads(fanyigou) == 0
    kept = cli(*argv, "--keep-going", "--json")
    assert kept.exit_code == EXIT_CODES["failure"]
    records = json.loads(kept.stdout)
    assert [Path(r["input"]).name for r in records] == ["a.png", "notes.txt", "b.png", "d.jpg"]
    assert [r["status"] for r in records] == ["completed", "failed", "completed", "failed"]
    assert records[1]["code"] == "input" and "notes.txt" in records[1]["error"]
    assert records[1]["job_id"] is None and records[1]["outputs"] == {}
    assert "skipped" in kept.stderr and "2 of 4 images failed" in kept.stderr
    assert "not translated" not in kept.stderr  # said once, by the summary
    assert uploads(fanyigou) == 2
    streamed = cli(*argv, "--keep-going", "--jsonl", "-o", "again")
    lines = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert [r["status"] for r in lines] == ["reused", "failed", "reused", "failed"]


def test_doc_translate_keep_going_records_the_refused_inputs(cli, echo, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("hello\n")
    odd = tmp_path / "odd.xyz"
    odd.write_text("?\n")
    result = cli("doc", "translate", "good.txt", "odd.xyz", "--to", "zh", "--provider", "echo",
                 "--keep-going", "--json")  # fmt: skip
    assert result.exit_code == EXIT_CODES["failure"]
    records = json.loads(result.stdout)
    assert [r["input"] for r in records] == [str(good), str(odd)]  # absolute, as doc pages
    assert records[0]["status"] == "completed" and records[0]["code"] is None
    assert records[1]["status"] == "failed" and records[1]["code"] == "input"
    assert records[1]["output"] is None and "xyz" in records[1]["error"]
    pages = json.loads(cli("doc", "pages", "good.txt", "--json").stdout)
    assert pages[0]["input"] == records[0]["input"]


def test_image_confirm_shows_the_estimate_and_no_sends_nothing(cli, fanyigou, tmp_path):
    made = images(tmp_path / "in")
    argv = ["image", "translate", str(made["a"]), str(made["b"]), "--to", "en",
            "--provider", "fanyigou", "-o", "out", "--confirm"]  # fmt: skip
    declined = cli(*argv, input="n\n")
    assert declined.exit_code == 1 and "nothing was sent" in declined.stderr
    assert "fanyigou: estimate 2 images; balance" in declined.stderr
    assert "Translate 2 images?" in declined.stderr
    assert uploads(fanyigou) == 0
    accepted = cli(*argv, input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert uploads(fanyigou) == 2
    over = cli("image", "translate", str(made["a"]), str(made["b"]), "--to", "en",
               "--provider", "fanyigou", "-o", "out3", "--max-images", "1")  # fmt: skip
    assert over.exit_code == EXIT_CODES["input"] and "over --max-images 1" in over.stderr


# -- the board, in a real pty ----------------------------------------------------------

ERASE = re.compile(r"\x1b\[\d+F\x1b\[J")


def board(*argv: str) -> tuple[int, str, str]:
    """Run ``transhub ARGV`` with stderr on a pty (stdout piped): the exit code,
    stdout, and every frame the board drew."""
    code, drawn, out = on_pty(*argv, columns=120, stdout=False)
    return code, out, drawn


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_image_batches_draw_the_board_in_input_order(echo, jobs):
    echo.service.polls_until_done = 40  # tasks that run long enough to be drawn
    urls = [f"https://img.example/{n}.png" for n in range(9)]  # three tasks of three
    code, out, drawn = board("image", "translate", *urls, "--to", "en", "--provider", "echo",
                             "-o", "out", "-j", jobs)  # fmt: skip
    assert code == 0, drawn
    assert "9/9" in drawn and "elapsed" in drawn and "remaining ~" in drawn
    frames = [frame.splitlines() for frame in ERASE.split(drawn)]
    lines = [[line for line in frame if "img.example" in line] for frame in frames]
    assert any(
        "https://img.example/0.png (+2)" in line and "running" in line
        for frame in lines
        for line in frame
    )
    for frame in lines:  # one line per running task, in input order
        firsts = [int(re.search(r"example/(\d)\.png", line).group(1)) for line in frame]
        assert firsts == sorted(firsts), frame
        assert len(frame) <= 3
    if jobs == "1":  # a task waiting for the one channel says so
        assert "waiting for a channel" in drawn
    else:
        assert any(len(frame) == 2 for frame in lines)  # two tasks at once
    rows = [line for line in out.splitlines() if "img.example" in line]
    assert [row.split()[0] for row in rows] == urls  # the summary, in input order
    quiet_code, _, quiet = board("image", "translate", *urls, "--to", "en", "--provider",
                                 "echo", "-o", "q", "-q")  # fmt: skip
    assert quiet_code == 0 and "elapsed" not in quiet and "\x1b[" not in quiet


# -- the Python API: many plans as one batch ----------------------------------------------


def test_the_python_api_runs_many_plans_as_one_batch_with_events(echo, tmp_path):
    import transhub
    from transhub.jobs.events import Capped, ItemFinished, TaskEnded, TaskUpdate

    docs = []
    for n in range(3):
        docs.append(tmp_path / f"d{n}.txt")
        docs[-1].write_text(f"text {n}\n")
    urls = ["https://img.example/x.png", "https://img.example/fail.png"]
    hub = transhub.Hub()
    plans = [
        hub.prepare_document(d, "zh", provider="echo", output_dir=tmp_path / "o") for d in docs
    ]
    plans.append(hub.prepare_images(urls, "en", provider="echo", output_dir=tmp_path / "o"))
    events = []
    done = hub.run_batch(plans, jobs=3, on_event=events.append)
    assert [d.input for d in done] == [*map(str, docs), *urls]
    assert [d.status for d in done] == ["completed"] * 4 + ["failed"]
    assert done[0].result.output == (tmp_path / "o" / "d0.zh.txt").resolve()
    assert done[4].result.code == "422"
    finished = [e for e in events if isinstance(e, ItemFinished)]
    assert [e.index for e in finished] == list(range(5))  # in input order
    assert [e for e in events if isinstance(e, Capped)] == [Capped(3, 2, "echo")]
    assert str(Capped(3, 2, "echo").message) == "-j 3 capped to 2: echo allows 2 channels"
    started = {e.key for e in events if isinstance(e, TaskUpdate) and e.state == "starting"}
    assert started == {"0", "1", "2"}
    assert {e.key for e in events if isinstance(e, TaskEnded)} >= started
    assert echo.log.count("/v1/documents") == 3 and echo.log.count("/v1/images") == 1
    again = transhub.run_batch(plans, jobs=1)  # the module shortcut: nothing paid twice
    assert [d.status for d in again][:4] == ["reused"] * 4
    assert echo.log.count("/v1/documents") == 3


def test_the_python_api_batch_has_the_budget_guard(echo, tmp_path):
    import transhub
    from transhub.errors import Declined, InputError

    doc = tmp_path / "d.txt"
    doc.write_text("text\n")
    hub = transhub.Hub()
    plan = hub.prepare_document(doc, "zh", provider="echo", output_dir=tmp_path / "o")
    with pytest.raises(InputError, match="over --max-pages 1"):
        hub.run_batch([plan, plan], max_pages=1)
    questions = []
    with pytest.raises(Declined):
        hub.run_batch([plan], confirm=lambda q: questions.append(q) or False)
    assert len(questions) == 1 and re.fullmatch(
        r"Translate 1 document \(about \d+ pages\)\?", questions[0]
    )
    assert echo.log.count("/v1/documents") == 0


def test_an_image_task_the_provider_refuses_fails_its_inputs_not_the_batch(
    echo, tmp_path, monkeypatch
):
    """The batch's promise holds for images too: an error raised by an image task's
    submit (credentials refused here) is the outcome of its inputs; the documents
    after it are still translated and reported."""
    import transhub

    doc = tmp_path / "d.txt"
    doc.write_text("text\n")
    hub = transhub.Hub()
    images = hub.prepare_images(["https://img.example/x.png"], "en", provider="echo",
                                output_dir=tmp_path / "o")  # fmt: skip
    plan = hub.prepare_document(doc, "zh", provider="echo", output_dir=tmp_path / "o")
    hub.close()
    monkeypatch.setenv("TRANSHUB_ECHO_TOKEN", "wrong-token")
    refused = transhub.Hub()  # the same plans, credentials the service refuses
    done = refused.run_batch([images, plan], jobs=1)
    assert [d.status for d in done] == ["failed", "failed"]
    assert all(d.error is not None and d.error.kind == "authentication" for d in done)
