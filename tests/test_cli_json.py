"""Machine-readable output: --json is one JSON document per command, --jsonl one object
per line, errors are JSON on stderr, and every command's output matches the schema the
documentation publishes (transhub.cli.schemas)."""

from __future__ import annotations

import json
import os

import pytest
from pydantic import BaseModel, TypeAdapter
from transhub.cli.output import OutputMode, Records
from transhub.cli.schemas import COMMANDS, ErrorDocument
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


def _runs(image):
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
    }


def test_every_command_prints_one_document_matching_its_schema(cli, echo, sample, image):
    runs = _runs(image)
    assert set(runs) == set(COMMANDS)
    for command, argv in runs.items():
        result = cli(*argv, "--json")
        assert result.exit_code in (0, 1), (command, result.stderr)
        records = _check(command, result.stdout)
        assert records, command


def test_jsonl_prints_the_same_records_one_per_line(cli, echo, sample, image):
    for command, argv in _runs(image).items():
        document = json.loads(cli(*argv, "--json").stdout)
        lines = [json.loads(line) for line in cli(*argv, "--jsonl").lines]
        expected = document if COMMANDS[command][1] else [document]
        if command == "providers --doctor":  # the online check's timings differ
            expected, lines = [r["check"] for r in expected], [r["check"] for r in lines]
        if command == "sandbox serve":  # each run takes free ports
            expected, lines = [r["provider"] for r in expected], [r["provider"] for r in lines]
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
