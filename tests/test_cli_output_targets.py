"""Where results go (``-o``): checked before anything is sent, and honoured in every
output mode.

``-o -`` puts a single document or image result on stdout (never a folder named
``-``) and refuses, before paying, a run that cannot end in one file; ``-o FILE`` of
the short capabilities is written with ``--json`` too, and an existing file, a folder
or an unwritable place is refused before the request; an output folder results cannot
be saved in is refused before the upload (CLI and Python API); ``jobs download``
never replaces a file that is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from transhub.errors import EXIT_CODES, InputError
from transhub.testing import make_image

USAGE, INPUT = EXIT_CODES["usage"], EXIT_CODES["input"]


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return lines[0]


def translated(text: str, target: str) -> str:
    return "".join(f"[{target}] {line}" for line in text.splitlines(keepends=True))


# -- -o - : a single result on stdout --------------------------------------------------


def test_dash_puts_the_one_document_on_stdout(cli, echo, sample, tmp_path):
    result = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == translated(sample.read_text(), "zh")  # the file alone, no path
    assert not (tmp_path / "-").exists()
    converted = cli(
        "doc", "convert", str(sample), "--format", "pdf", "--provider", "echo", "-o", "-"
    )
    assert converted.exit_code == 0, converted.stderr
    assert converted.stdout and not (tmp_path / "-").exists()


def test_dash_puts_the_one_image_on_stdout(cli, echo, tmp_path):
    url = "https://img.example/one.png"
    result = cli("image", "translate", url, "--to", "en", "--provider", "echo", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("emulated image ") and not (tmp_path / "-").exists()


def test_dash_writes_bytes_to_a_real_pipe(echo, sample, tmp_path):
    """The real CLI in a subprocess: stdout carries the result's bytes, nothing else."""
    argv = ["doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "-"]
    run = subprocess.run(
        [sys.executable, "-m", "transhub", *argv],
        capture_output=True,
        env=dict(os.environ),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == translated(sample.read_text(), "zh").encode()
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["doc", "translate", "{a}", "{b}", "--to", "zh"], "would make 2 documents"),
        (["doc", "convert", "{a}", "{b}", "--format", "pdf"], "would make 2 documents"),
        (["doc", "translate", "{a}", "--to", "zh", "--json"], "--json"),
        (["doc", "translate", "{a}", "--to", "zh", "--jsonl"], "--jsonl"),
        (
            ["image", "translate", "https://img.example/1.png", "https://img.example/2.png",
             "--to", "en"],
            "would make 2 files",
        ),
        (
            ["image", "translate", "https://img.example/1.png", "--to", "en", "--editor-data"],
            "would make 3 files",
        ),
    ],
    ids=["two-docs", "two-conversions", "json", "jsonl", "two-images", "editor-data"],
)  # fmt: skip
def test_dash_refuses_more_than_one_result_before_sending(cli, echo, tmp_path, argv, said):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one\n")
    b.write_text("two\n")
    argv = [arg.format(a=a, b=b) for arg in argv]
    result = cli(*argv, "--provider", "echo", "-o", "-")
    assert result.exit_code == USAGE
    if "--json" in argv or "--jsonl" in argv:
        error = json.loads(result.stderr)["error"]
        assert error["exit_code"] == USAGE and said in error["message"]
    else:
        assert said in one_line(result) and one_line(result).startswith("transhub: error: -o -")
    assert result.stdout == ""
    assert echo.log.count() == 0  # nothing sent, nothing paid
    assert not (tmp_path / "-").exists()


# -- -o FILE of the short capabilities --------------------------------------------------


def short(kind: str, tmp_path: Path) -> list[str]:
    """A short capability's command line, against echo."""
    if kind == "ocr":
        return ["ocr", str(make_image(tmp_path / "scan.png", 100, 40))]
    return {
        "text": ["text", "Hello", "--to", "zh"],
        "dict": ["dict", "hello"],
        "account": ["account"],
    }[kind]


KINDS = ["text", "ocr", "dict", "account"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("flag", ["--json", "--jsonl", None])
def test_output_file_is_written_in_every_mode(cli, echo, tmp_path, kind, flag):
    target = tmp_path / "result.txt"
    argv = [*short(kind, tmp_path), "--provider", "echo", "-o", str(target)]
    result = cli(*argv, *([flag] if flag else []))
    assert result.exit_code == 0, result.stderr
    plain = cli(*short(kind, tmp_path), "--provider", "echo")  # what a pipe gets
    assert target.read_text(encoding="utf-8") == plain.stdout
    if flag == "--json":
        assert json.loads(result.stdout)  # the records, as without -o
    elif flag == "--jsonl":
        assert [json.loads(line) for line in result.stdout.splitlines()]
    else:
        assert result.stdout == ""


@pytest.mark.parametrize("kind", KINDS)
def test_existing_output_file_is_refused_before_the_request(cli, echo, tmp_path, kind):
    target = tmp_path / "out.txt"
    target.write_text("mine\n")
    argv = short(kind, tmp_path)
    echo.log.clear()
    result = cli(*argv, "--provider", "echo", "-o", str(target))
    assert result.exit_code == INPUT
    assert "out.txt: already exists (use --overwrite to replace it)" in one_line(result)
    assert echo.log.count() == 0
    assert target.read_text() == "mine\n"
    as_json = cli(*argv, "--provider", "echo", "-o", str(target), "--json")
    assert as_json.exit_code == INPUT and json.loads(as_json.stderr)["error"]["code"] == "input"
    assert echo.log.count() == 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.mkdir(), "is a folder, not a file for the result"),
        (lambda p: None, "cannot be created"),  # under a file: see the target below
    ],
    ids=["folder", "under-a-file"],
)
def test_output_file_that_cannot_take_the_result_is_refused(cli, echo, tmp_path, kind, make, said):
    target = tmp_path / "ro"
    make(target)
    if said == "cannot be created":
        (tmp_path / "plain").write_text("x")
        target = tmp_path / "plain" / "out.txt"
    argv = short(kind, tmp_path)
    echo.log.clear()
    result = cli(*argv, "--provider", "echo", "-o", str(target), "--overwrite")
    assert result.exit_code == INPUT
    line = one_line(result)
    assert said in line and str(target) in line
    assert echo.log.count() == 0


# -- output folders that cannot take the results ----------------------------------------


def unusable_folders(tmp_path: Path) -> list[Path]:
    (tmp_path / "plain.txt").write_text("a file\n")
    folders = [tmp_path / "plain.txt" / "sub"]
    if Path("/proc/self").is_dir():  # Linux: nothing can be created in /proc
        folders.append(Path("/proc/nope"))
    if Path("/sys/kernel").is_dir():  # sysfs takes no files, even root's
        folders.append(Path("/sys/kernel"))
    return folders


@pytest.mark.parametrize("command", ["translate", "convert", "image"])
def test_unusable_output_folder_is_refused_before_the_upload(cli, echo, sample, tmp_path, command):
    argv = {
        "translate": ["doc", "translate", str(sample), "--to", "zh"],
        "convert": ["doc", "convert", str(sample), "--format", "pdf"],
        "image": ["image", "translate", "https://img.example/1.png", "--to", "en"],
    }[command]
    for folder in unusable_folders(tmp_path):
        result = cli(*argv, "--provider", "echo", "-o", str(folder))
        assert result.exit_code == INPUT, (folder, result.stderr)
        line = one_line(result)
        assert line.startswith(f"transhub: error: {folder}"), line
        assert "folder" in line
        assert echo.log.count() == 0, folder


def test_api_refuses_an_unusable_output_folder_before_the_upload(echo, sample, tmp_path):
    import transhub

    hub = transhub.Hub()
    for folder in unusable_folders(tmp_path):
        with pytest.raises(InputError, match="folder"):
            hub.translate_document(sample, "zh", provider="echo", output_dir=folder)
        with pytest.raises(InputError, match="folder"):
            hub.convert_document(sample, "pdf", provider="echo", output_dir=folder)
        with pytest.raises(InputError, match="folder"):
            hub.translate_images(
                ["https://img.example/1.png"], "en", provider="echo", output_dir=folder
            )
        plan = hub.prepare_document(sample, "zh", provider="echo", output_dir=folder)
        with pytest.raises(InputError, match="folder"):
            hub.run_batch([plan])
    assert echo.log.count() == 0


def test_a_folder_still_to_be_made_is_made_and_nothing_is_left_by_a_refusal(cli, echo, sample):
    deep = Path("new") / "deeper"
    result = cli(
        "doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", str(deep)
    )
    assert result.exit_code == 0, result.stderr
    assert (deep / "notes.zh.txt").is_file()
    assert [p.name for p in Path("new").iterdir()] == ["deeper"]  # no probe left behind


# -- jobs download ----------------------------------------------------------------------


def _document_job(cli, sample) -> str:
    done = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--json")
    assert done.exit_code == 0, done.stderr
    return str(json.loads(done.stdout)[0]["job_id"])


def test_jobs_download_never_replaces_an_existing_file(cli, echo, sample, tmp_path):
    job = _document_job(cli, sample)
    mine = tmp_path / "again" / "notes.zh.txt"
    mine.parent.mkdir()
    mine.write_text("my edited translation\n")
    echo.log.clear()
    result = cli("jobs", "download", job, "-o", "again")
    assert result.exit_code == INPUT
    assert "notes.zh.txt: already exists (use --overwrite to replace it)" in one_line(result)
    assert mine.read_text() == "my edited translation\n"
    assert echo.log.count() == 0  # refused before the provider was asked


def test_jobs_download_replaces_only_when_asked(echo, cli, sample, tmp_path):
    import transhub
    from transhub.jobs.downloads import download_job

    job = _document_job(cli, sample)
    mine = tmp_path / "again" / "notes.zh.txt"
    mine.parent.mkdir()
    mine.write_text("old\n")
    hub = transhub.Hub()
    with pytest.raises(InputError, match="already exists"):
        download_job(hub, job, mine.parent)
    assert download_job(hub, job, mine.parent, overwrite=True) == [mine]
    assert mine.read_text() == translated(sample.read_text(), "zh")
    assert [p.name for p in mine.parent.iterdir()] == ["notes.zh.txt"]  # no landing left


def test_jobs_download_of_images_never_replaces_an_existing_file(cli, echo, tmp_path):
    urls = ["https://img.example/1.png", "https://img.example/2.png"]
    done = cli(
        "image", "translate", *urls, "--to", "en", "--provider", "echo", "-o", "out", "--json"
    )
    assert done.exit_code == 0, done.stderr
    records = json.loads(done.stdout)
    second = Path(records[1]["output"]).name
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / second).write_text("mine\n")
    echo.log.clear()
    result = cli("jobs", "download", records[0]["job_id"], "-o", "again")
    assert result.exit_code == INPUT and "already exists" in one_line(result)
    assert echo.log.count() == 0
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == [second]  # nothing partial
    assert (tmp_path / "again" / second).read_text() == "mine\n"


def test_jobs_download_replaces_on_the_command_line_only_with_overwrite(
    cli, echo, sample, tmp_path
):
    job = _document_job(cli, sample)
    mine = tmp_path / "again" / "notes.zh.txt"
    mine.parent.mkdir()
    mine.write_text("old\n")
    refused = cli("jobs", "download", job, "-o", str(mine.parent))
    assert refused.exit_code == EXIT_CODES["input"] and mine.read_text() == "old\n"
    assert "--overwrite" in refused.stderr
    replaced = cli("jobs", "download", job, "-o", str(mine.parent), "--overwrite")
    assert replaced.exit_code == 0, replaced.stderr
    assert mine.read_text() == translated(sample.read_text(), "zh")
