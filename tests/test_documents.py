"""Document translation, page counts and conversion through the CLI and the API."""

from __future__ import annotations

import json
from pathlib import Path

import transhub
from transhub.errors import EXIT_CODES


def test_translate_writes_the_result_beside_the_name_and_language(cli, echo, sample, tmp_path):
    result = cli(
        "doc",
        "translate",
        str(sample),
        "--to",
        "zh",
        "--provider",
        "echo",
        "-o",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 0, result.stderr
    output = tmp_path / "out" / "notes.zh.txt"
    assert result.stdout.strip() == str(output)
    assert output.read_text(encoding="utf-8") == "[zh] first line\n[zh] second line\n"
    uploads = echo.log.uploads()
    assert len(uploads) == 1 and uploads[0].fields["target"] == "zh"


def test_translate_json_reports_each_input(cli, echo, sample):
    result = cli("doc", "translate", str(sample), "--to", "ja", "--provider", "echo", "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)  # one array, even of one input
    assert record["input"] == str(sample)
    assert record["status"] == "completed"
    assert record["provider"] == "echo"
    assert Path(record["output"]).name == "notes.ja.txt"
    assert set(record) >= {"input", "output", "job_id", "provider", "status", "pages", "error"}


def test_pdf_output_kind(cli, echo, sample):
    result = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--pdf")
    assert result.exit_code == 0, result.stderr
    assert Path(result.stdout.strip()).name == "notes.zh.pdf"


def test_existing_result_is_not_overwritten_and_nothing_is_sent(cli, echo, sample, tmp_path):
    (tmp_path / "notes.zh.txt").write_text("keep me", encoding="utf-8")
    result = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["input"]
    assert "already exists" in result.stderr
    assert (tmp_path / "notes.zh.txt").read_text(encoding="utf-8") == "keep me"
    assert echo.log.count() == 0
    again = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "--overwrite")
    assert again.exit_code == 0
    assert (tmp_path / "notes.zh.txt").read_text(encoding="utf-8").startswith("[zh] ")


def test_batch_of_a_folder_prints_a_summary_and_fails_when_one_fails(cli, echo, tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        (folder / name).write_text(f"{name}\n", encoding="utf-8")
    result = cli(
        "doc", "translate", str(folder), "--to", "fr", "--provider", "echo", "-r", "-o", "out"
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.fr.txt",
        "b.fr.txt",
        "c.fr.txt",
    ]
    assert "input" in result.stdout and "completed" in result.stdout
    only = cli(
        "doc",
        "translate",
        str(folder),
        "--to",
        "fr",
        "--provider",
        "echo",
        "--include",
        "a.*",
        "-o",
        "o2",
    )
    assert only.exit_code == 0
    assert [p.name for p in (tmp_path / "o2").iterdir()] == ["a.fr.txt"]


def test_batch_with_a_task_failure_exits_non_zero(cli, echo, tmp_path):
    for name in ("a.txt", "b.txt"):  # different contents: two jobs
        (tmp_path / name).write_text(f"{name}\n", encoding="utf-8")
    echo.faults.queue(_fault("ERROR"), action="/v1/documents")
    result = cli(
        "doc",
        "translate",
        "a.txt",
        "b.txt",
        "--to",
        "fr",
        "--provider",
        "echo",
        "-j",
        "1",
        "--json",
    )
    assert result.exit_code == 1
    states = sorted(r["status"] for r in json.loads(result.stdout))
    assert states == ["completed", "failed"]


def _fault(name):
    from transhub.emulation import Fault

    return Fault[name]


def test_pages_from_the_provider_and_locally(cli, echo, sample, tmp_path):
    result = cli("doc", "pages", str(sample), "--provider", "echo", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["pages"] == 3  # the echo service counts lines + 1
    uploads = echo.log.count()
    local = cli("doc", "pages", str(sample), "--provider", "parrot", "--json")
    # parrot cannot count pages: the estimate is local, and nothing is sent
    assert local.exit_code == 0, local.stderr
    assert json.loads(local.stdout) == [
        {"input": str(sample), "pages": 1, "exact": False, "billed_characters": None}
    ]
    assert echo.log.count() == uploads


def test_pages_counted_locally_when_no_provider_counts(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "")
    text = tmp_path / "long.txt"
    text.write_text("x" * 4000, encoding="utf-8")
    result = cli("doc", "pages", str(text), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"input": str(text), "pages": 3, "exact": False, "billed_characters": None}
    ]


def test_convert(cli, echo, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("hello\n", encoding="utf-8")
    result = cli("doc", "convert", str(source), "--format", "pdf", "--provider", "echo")
    assert result.exit_code == 0, result.stderr
    assert Path(result.stdout.strip()).name == "a.pdf"
    wrong = cli("doc", "convert", str(source), "--format", "word", "--provider", "echo")
    assert wrong.exit_code == EXIT_CODES["input"]
    assert "convert .txt to word" in wrong.stderr


def test_python_api(echo, sample, tmp_path):
    result = transhub.translate_document(
        sample, target="zh", provider="echo", output_dir=tmp_path / "api"
    )
    assert result.output == tmp_path / "api" / "notes.zh.txt"
    assert result.provider == "echo" and result.task_id.startswith("d")
    assert result.detected_language == "en"
    hub = transhub.Hub(provider_settings={"echo": {"channels": 1}})
    assert hub.count_pages(sample, provider="echo").pages == 3
    assert hub.translate_text("hi", "fr", provider="echo").text == "[fr] hi"


def good_empty_odd(folder: Path) -> tuple[Path, Path, Path]:
    """A good text file, an empty one and one of a type no provider takes."""
    good = folder / "good.txt"
    good.write_text("fine\n", encoding="utf-8")
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    odd = folder / "odd.xyz"
    odd.write_text("?\n", encoding="utf-8")
    return good, empty, odd


def test_a_batch_reports_every_bad_input_at_once_and_keep_going_translates_the_rest(
    cli, echo, tmp_path
):
    good, empty, odd = good_empty_odd(tmp_path)
    argv = ["doc", "translate", str(good), str(empty), str(odd), "--to", "zh", "--provider",
            "echo", "-o", "out"]  # fmt: skip
    refused = cli(*argv)
    assert refused.exit_code == EXIT_CODES["input"], refused.stderr
    assert "2 of 3 inputs cannot be translated; nothing was sent" in refused.stderr
    assert "empty.txt" in refused.stderr and "odd.xyz" in refused.stderr
    assert echo.log.count("/v1/documents") == 0
    kept = cli(*argv, "--keep-going")
    assert kept.exit_code == EXIT_CODES["failure"], kept.stderr
    assert "skipped" in kept.stderr and "2 of 3 inputs failed" in kept.stderr
    assert "not translated" not in kept.stderr  # said once, by the summary
    assert f"skipped {empty}: " in kept.stderr  # the input named once
    assert f"{empty}: {empty}" not in kept.stderr
    assert (tmp_path / "out" / "good.zh.txt").exists() and echo.log.count("/v1/documents") == 1


def test_convert_checks_every_input_first_and_keep_going_converts_the_rest(cli, echo, tmp_path):
    good, empty, odd = good_empty_odd(tmp_path)
    argv = ["doc", "convert", str(empty), str(good), str(odd), "--format", "pdf", "--provider",
            "echo", "-o", str(tmp_path / "out")]  # fmt: skip
    refused = cli(*argv)
    assert refused.exit_code == EXIT_CODES["input"], refused.stderr
    assert "2 of 3 inputs cannot be converted; nothing was sent" in refused.stderr
    assert "empty.txt" in refused.stderr and "odd.xyz" in refused.stderr
    assert echo.log.count("/v1/documents") == 0
    kept = cli(*argv, "--keep-going", "--json")
    assert kept.exit_code == EXIT_CODES["failure"], kept.stderr
    assert "skipped" in kept.stderr and "2 of 3 inputs failed" in kept.stderr
    records = json.loads(kept.stdout)
    assert [(r["input"], r["status"]) for r in records] == [
        (str(empty), "failed"),
        (str(good), "completed"),
        (str(odd), "failed"),
    ]
    assert [r["code"] for r in records] == ["input", None, "input"]
    assert records[1]["output"] == str(tmp_path / "out" / "good.pdf")
    assert echo.log.count("/v1/documents") == 1
