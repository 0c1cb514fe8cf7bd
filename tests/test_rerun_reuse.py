"""Nothing paid twice across reruns: a killed batch finished by the same command is
closed (``jobs resume`` never runs it again), a result already at its destination is
the result, and an adopted job saves where the rerun asks.  Real ``transhub``
processes against the echo emulator, the transhub process SIGKILLed, uploads counted
at the emulator."""

from __future__ import annotations

import shutil
from pathlib import Path

from transhub.errors import EXIT_CODES
from transhub.testing import invoke
from transhub.testing.processes import kill, spawn, wait_until


def _docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"doc{n}.txt"
        path.write_text(f"document {n}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _uploads(echo) -> int:
    return int(echo.log.count("/v1/documents"))


def _command(*inputs: Path, out: str = "out") -> list[str]:
    return ["doc", "translate", *map(str, inputs), "--to", "zh", "--provider", "echo",
            "-o", out, "-j", "1"]  # fmt: skip


def _kill_at_second_download(echo, argv: list[str]) -> None:
    """Run ``argv`` and SIGKILL it while it downloads its second document (the first
    is saved and recorded by then)."""
    held = echo.faults.hold("/v1/documents/d2/result")
    process = spawn(*argv)
    try:
        wait_until(held.arrived.is_set, "the second download", process=process)
    finally:
        kill(process)
        held.release()


def test_killed_batch_finished_by_the_same_command_is_not_resumed_again(echo, tmp_path):
    docs = _docs(tmp_path / "in", 2)
    _kill_at_second_download(echo, _command(*docs))
    rerun = invoke(_command(*docs))
    assert rerun.exit_code == 0, rerun.stderr
    assert _uploads(echo) == 2
    # The results moved away: the killed batch was closed by the rerun, so a resume
    # has nothing to run again (before, both documents were uploaded and paid again).
    shutil.move(tmp_path / "out", tmp_path / "kept")
    for _ in range(2):
        resumed = invoke(["jobs", "resume"])
        assert resumed.exit_code == 0, resumed.stderr
        assert "nothing to resume" in resumed.stderr, resumed.stderr
        assert "run again" not in resumed.stderr
    assert _uploads(echo) == 2
    assert not (tmp_path / "out").exists()


def test_resumed_batch_never_pays_again_for_a_result_moved_away(echo, tmp_path):
    docs = _docs(tmp_path / "in", 3)
    _kill_at_second_download(echo, _command(*docs))
    # The first document's result is moved away before the batch is resumed.
    first = tmp_path / "out" / "doc0.zh.txt"
    assert first.is_file()
    first.rename(tmp_path / "elsewhere.txt")
    resumed = invoke(["jobs", "resume"])
    said = resumed.stdout + resumed.stderr
    assert resumed.exit_code == EXIT_CODES["failure"], said
    assert "doc0.txt: translated in this batch before" in said, said
    assert "not paid again" in said and "transhub jobs download" in said
    assert _uploads(echo) == 3  # each document uploaded once; doc0 not again
    assert (tmp_path / "out" / "doc1.zh.txt").is_file()
    assert (tmp_path / "out" / "doc2.zh.txt").is_file()


def test_an_existing_destination_holding_the_result_is_reused(echo, tmp_path):
    [doc] = _docs(tmp_path, 1)
    plain = ["doc", "translate", str(doc), "--to", "zh", "--provider", "echo"]
    assert invoke(plain).exit_code == 0
    other = invoke([*plain, "-o", "other"])
    assert other.exit_code == 0, other.stderr
    again = invoke(plain)  # the first job's own output, byte-identical to the result
    assert again.exit_code == 0, again.stderr
    assert "reused" in again.stderr
    # The result's bytes at a new destination are the result too (known by SHA-256).
    (tmp_path / "third").mkdir()
    shutil.copy(tmp_path / "doc0.zh.txt", tmp_path / "third" / "doc0.zh.txt")
    copied = invoke([*plain, "-o", "third"])
    assert copied.exit_code == 0, copied.stderr
    # Other bytes at the destination are still refused, and nothing is sent.
    (tmp_path / "fourth").mkdir()
    (tmp_path / "fourth" / "doc0.zh.txt").write_text("mine\n", encoding="utf-8")
    refused = invoke([*plain, "-o", "fourth"])
    assert refused.exit_code == EXIT_CODES["input"], refused.stderr
    assert "already exists" in refused.stderr
    assert (tmp_path / "fourth" / "doc0.zh.txt").read_text(encoding="utf-8") == "mine\n"
    assert _uploads(echo) == 1


def test_rerun_with_a_new_output_folder_saves_an_adopted_job_there(echo, tmp_path):
    [doc] = _docs(tmp_path / "in", 1)
    held = echo.faults.hold("/v1/documents/d1/result")
    process = spawn(*_command(doc, out="bad"))
    try:
        wait_until(held.arrived.is_set, "the download", process=process)
    finally:
        kill(process)
        held.release()
    # The planned folder became unusable (a file in its place): a rerun naming
    # another folder downloads the finished job there, and pays nothing more.
    shutil.rmtree(tmp_path / "bad", ignore_errors=True)
    (tmp_path / "bad").write_text("not a folder\n", encoding="utf-8")
    rerun = invoke(_command(doc, out="good"))
    assert rerun.exit_code == 0, rerun.stderr
    assert (tmp_path / "good" / "doc0.zh.txt").read_text(encoding="utf-8") == "[zh] document 0\n"
    assert _uploads(echo) == 1
