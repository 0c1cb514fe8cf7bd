"""Machine-readable output: --json is one JSON document per command, --jsonl one object
per line, errors are JSON on stderr, and every command's output matches the schema the
documentation publishes (transhub.cli.schemas)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter
from transhub.cli.output import OutputMode, Records
from transhub.cli.schemas import COMMANDS, ErrorDocument
from transhub.emulation import Fault
from transhub.errors import EXIT_CODES
from transhub.testing import make_image


def _check(command: str, stdout: str) -> list[dict]:
    """The document parses with json.loads, in the shape COMMANDS says, and every
    record has exactly the model's keys."""
    model, many = COMMANDS[command]
    document = json.loads(stdout)
    records = document if many else [document]
    assert isinstance(records, list)
    if many:
        assert isinstance(document, list)
    for record in records:
        TypeAdapter(model).validate_python(record)
        assert set(record) == set(model.model_fields), command
    return records


@pytest.fixture
def image(tmp_path):
    return make_image(tmp_path / "scan.png", 100, 40)


@pytest.fixture
def job_id(cli, echo, sample):
    """A completed job in the journal, for ``jobs show`` and ``jobs resume``."""
    argv = ("doc", "translate", str(sample), "--to", "ja", "--provider", "echo", "-o", "ja")
    (record,) = json.loads(cli(*argv, "--json").stdout)
    return record["job_id"]


#: Batch commands whose two runs differ (the second reuses): compared by their inputs.
BATCHES = {"doc translate", "doc convert", "image translate", "jobs resume"}
#: Commands that need a PostgreSQL journal: their output is checked against the same
#: schemas in tests/test_cluster.py.
CLUSTER = {"doc translate --queue"}


def _runs(image, job_id):
    return {
        "providers": ["providers"],
        "providers --doctor": ["providers", "--doctor"],
        "languages": ["languages", "--provider", "echo"],
        "account": ["account", "--provider", "echo"],
        "doc pages": ["doc", "pages", "notes.txt", "--provider", "echo"],
        "config get": ["config", "get", "read_timeout"],
        "sandbox serve": ["sandbox", "serve", "--for", "0"],
        "text": ["text", "hi", "--to", "zh", "--provider", "echo"],
        "ocr": ["ocr", str(image), "--provider", "echo"],
        "dict": ["dict", "hello", "--provider", "echo"],
        "doc translate": ["doc", "translate", "notes.txt", "--to", "zh", "--provider", "echo",
                          "-o", "zh", "--overwrite"],
        "doc convert": ["doc", "convert", "notes.txt", "--format", "pdf", "--provider", "echo",
                        "-o", "pdf", "--overwrite"],
        "image translate": ["image", "translate", "https://img.example/a.png", "--to", "en",
                            "--provider", "echo", "-o", "images", "--overwrite"],
        "jobs show": ["jobs", "show", job_id],
        "jobs resume": ["jobs", "resume", job_id],
        "jobs wait": ["jobs", "wait", job_id],
        "journal migrate": ["journal", "migrate"],
        "journal status": ["journal", "status"],
    }  # fmt: skip


def test_every_command_prints_one_document_matching_its_schema(cli, echo, sample, image, job_id):
    runs = _runs(image, job_id)
    assert set(runs) == set(COMMANDS) - CLUSTER
    for command, argv in runs.items():
        result = cli(*argv, "--json")
        assert result.exit_code in (0, 1), (command, result.stderr)
        records = _check(command, result.stdout)
        assert records, command


def test_jsonl_prints_the_same_records_one_per_line(cli, echo, sample, image, job_id):
    for command, argv in _runs(image, job_id).items():
        document = json.loads(cli(*argv, "--json").stdout)
        lines = [json.loads(line) for line in cli(*argv, "--jsonl").lines]
        expected = document if COMMANDS[command][1] else [document]
        if command == "providers --doctor":  # the online check's timings differ
            expected, lines = [r["check"] for r in expected], [r["check"] for r in lines]
        if command == "sandbox serve":  # each run takes free ports
            expected, lines = [r["provider"] for r in expected], [r["provider"] for r in lines]
        if command in BATCHES:  # the second run reuses the first's results
            key = "job_id" if command == "jobs resume" else "input"
            expected, lines = [r[key] for r in expected], [r[key] for r in lines]
        assert lines == expected, command


def test_paths_are_absolute_and_counts_integers(cli, echo, sample):
    (record,) = json.loads(cli("doc", "pages", "notes.txt", "--provider", "echo", "--json").stdout)
    assert record["input"] == str(sample.resolve()) and os.path.isabs(record["input"])
    assert isinstance(record["pages"], int)
    balances = json.loads(cli("account", "--provider", "echo", "--json").stdout)
    assert all(type(b["balance"]) is int for b in balances)


def test_json_and_jsonl_together_are_a_usage_error(cli):
    result = cli("providers", "--json", "--jsonl")
    assert result.exit_code == EXIT_CODES["usage"]
    body = ErrorDocument.model_validate_json(result.stderr).error
    assert body.code == "usage" and "--json and --jsonl" in body.message
    assert result.stdout == ""


@pytest.mark.parametrize("flag", ["--json", "--jsonl"])
def test_errors_are_one_json_object_on_stderr(cli, echo, tmp_path, flag):
    notes = tmp_path / "notes.md"
    notes.write_text("# hi\n")
    cases = [
        (["text", "hi", "--to", "chinese", "--provider", "echo"], "input", None),
        (["doc", "pages", str(tmp_path / "missing.txt"), "--provider", "echo"], "input", None),
        (["dict", "qwzx", "--provider", "echo"], "not-found", "echo"),
        (["-c", "read_timout=3", "providers"], "usage", None),
        (["text", "hi"], "usage", None),  # a missing option: click's own error
    ]
    for argv, code, provider in cases:
        result = cli(*argv, flag)
        assert result.exit_code == EXIT_CODES[code], (argv, result.stderr)
        (line,) = result.stderr.strip().splitlines()
        body = ErrorDocument.model_validate_json(line).error
        assert (body.code, body.exit_code, body.provider) == (code, EXIT_CODES[code], provider)
        assert "Traceback" not in result.stderr
    hinted = ErrorDocument.model_validate_json(
        cli("-c", "read_timout=3", "providers", flag).stderr
    ).error
    assert hinted.hint == "did you mean read_timeout?"
    assert "did you mean" not in hinted.message


def test_an_empty_listing_is_an_empty_array(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "nothing-by-this-name")
    assert json.loads(cli("providers", "--json").stdout) == []
    assert cli("providers", "--jsonl").stdout == ""


def test_records_stream_and_close_the_array_on_error(capsys):
    class Row(BaseModel):
        n: int

    with pytest.raises(RuntimeError), Records(OutputMode.JSON, many=True) as records:
        records.add(Row(n=1))
        records.add({"n": 2})
        assert capsys.readouterr().out == '[\n{"n": 1},\n{"n": 2}'  # already written
        raise RuntimeError("the listing broke")
    assert capsys.readouterr().out == "\n]\n"
    with Records(OutputMode.TEXT, many=True) as records:
        records.add({"n": 1})
    assert capsys.readouterr().out == ""
    with Records(OutputMode.JSON, many=False) as records:
        records.add({"n": 1})
        with pytest.raises(RuntimeError, match="second record"):
            records.add({"n": 2})


def _documents(folder, count):
    paths = []
    for n in range(count):
        path = folder / f"doc{n}.txt"
        path.write_text(f"document {n}\n", encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("failing", [False, True])
def test_doc_translate_prints_one_array_in_input_order(cli, echo, tmp_path, failing):
    paths = _documents(tmp_path, 5)
    if failing:  # one of the submits is refused: its record says so, the array is closed
        echo.faults.queue(Fault.ERROR, action="/v1/documents")
    argv = ["doc", "translate", *reversed(paths), "--to", "fr", "--provider", "echo", "-j", "3"]
    result = cli(*argv, "--json")
    records = _check("doc translate", result.stdout)
    assert [r["input"] for r in records] == list(reversed(paths))
    statuses = [r["status"] for r in records]
    if failing:
        assert result.exit_code == EXIT_CODES["failure"]
        assert statuses.count("failed") == 1 and statuses.count("completed") == 4
        (failed,) = [r for r in records if r["status"] == "failed"]
        assert failed["error"] and failed["output"] is None
    else:
        assert result.exit_code == 0, result.stderr
        assert statuses == ["completed"] * 5
        assert all(os.path.isabs(r["output"]) for r in records)
    streamed = cli(*argv, "--jsonl")  # the same records, one per line (reused now)
    lines = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert [r["input"] for r in lines] == list(reversed(paths))
    assert streamed.stdout.count("\n") == 5 and not streamed.stdout.startswith("[")


def test_image_translate_prints_one_array_in_input_order(cli, echo):
    urls = [f"https://img.example/{n}/photo.jpg" for n in range(5)]
    urls.insert(2, "https://img.example/fail.jpg")  # the echo service cannot read it
    urls.append(urls[0])
    argv = ["image", "translate", *urls, "--to", "en", "--provider", "echo", "-o", "out"]
    result = cli(*argv, "--json")
    assert result.exit_code == EXIT_CODES["failure"]
    records = _check("image translate", result.stdout)
    assert [r["input"] for r in records] == urls
    assert [r["status"] for r in records].count("failed") == 1
    assert records[2]["status"] == "failed" and records[2]["output"] is None
    streamed = cli(*argv, "--jsonl", "--overwrite")
    assert streamed.exit_code == EXIT_CODES["failure"]
    lines = [json.loads(line) for line in streamed.stdout.splitlines()]
    assert [r["input"] for r in lines] == urls and len(streamed.stdout.splitlines()) == len(urls)


def test_jobs_show_is_one_object_and_resume_one_array(cli, echo, sample, job_id):
    shown = json.loads(cli("jobs", "show", job_id[:6], "--json").stdout)
    assert isinstance(shown, dict) and shown["job_id"] == job_id
    (line,) = cli("jobs", "show", job_id, "--jsonl").stdout.splitlines()
    assert json.loads(line) == shown
    assert json.loads(cli("jobs", "resume", "--json").stdout) == []  # nothing to resume
    # A submit whose fate is unknown: resume refuses it (a failed record), --resubmit sends it.
    echo.faults.queue(Fault.DROP_AFTER, action="/v1/documents")
    cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "zh")
    refused = cli("jobs", "resume", "--json")
    assert refused.exit_code == 1
    (record,) = _check("jobs resume", refused.stdout)
    assert record["state"] == "failed" and "--resubmit" in record["error"]
    finished = cli("jobs", "resume", "--resubmit", "--json")
    assert finished.exit_code == 0, finished.stderr
    (record,) = _check("jobs resume", finished.stdout)
    assert record["state"] == "completed" and record["error"] is None
    assert [Path(p).name for p in record["outputs"]] == ["notes.zh.txt"]
    assert all(os.path.isabs(p) for p in record["outputs"])
