"""Paths are resolved once, at planning (issue 17: each resolve walks every folder of
the path), and what the batch, the journal and the records do with them still
follows symlinks: a symlinked input is the same work as its target, two outputs that
meet through a symlink are refused before anything is sent, and records name the
real paths."""

from __future__ import annotations

import json
import os

import pytest
import transhub
from transhub.errors import EXIT_CODES, InputError
from transhub.journal import Journal

#: The default SQLite journal and PostgreSQL (as the other journal tests).
pytestmark = pytest.mark.usefixtures("journal_env")


def test_an_input_given_through_a_symlink_is_reused_from_its_target(cli, echo, sample, tmp_path):
    first = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "a")
    assert first.exit_code == 0, first.stderr
    sent = echo.log.count("/v1/documents")
    alias = tmp_path / "alias.txt"
    alias.symlink_to(sample)
    again = cli(
        "doc", "translate", str(alias), "--to", "zh", "--provider", "echo", "-o", "b", "--json"
    )
    assert again.exit_code == 0, again.stderr
    (record,) = json.loads(again.stdout)
    assert record["status"] == "reused" and echo.log.count("/v1/documents") == sent
    assert record["input"] == str(alias)  # as given (made absolute), not its target
    assert (tmp_path / "b" / "alias.zh.txt").read_bytes() == (
        tmp_path / "a" / "notes.zh.txt"
    ).read_bytes()


def test_a_file_and_a_symlink_to_it_in_one_batch_are_paid_once(cli, echo, sample, tmp_path):
    alias = tmp_path / "alias.txt"
    alias.symlink_to(sample)
    both = cli(
        "doc", "translate", str(sample), str(alias), "--to", "zh", "--provider", "echo",
        "-o", "out", "--json",
    )  # fmt: skip
    assert both.exit_code == 0, both.stderr
    statuses = sorted(r["status"] for r in json.loads(both.stdout))
    assert statuses == ["completed", "reused"] and echo.log.count("/v1/documents") == 1


def test_records_and_the_journal_name_the_real_output_path(cli, echo, sample, tmp_path, isolated):
    real = tmp_path / "real-out"
    real.mkdir()
    link = tmp_path / "out-link"
    link.symlink_to(real, target_is_directory=True)
    result = cli(
        "doc", "translate", str(sample), "--to", "zh", "--provider", "echo",
        "-o", str(link), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)
    saved = real.resolve() / "notes.zh.txt"
    assert record["output"] == str(saved) and saved.is_file()
    journal = Journal(os.environ.get("TRANSHUB_JOURNAL_URL") or isolated / "data" / "jobs.db")
    job = journal.get(record["job_id"])
    assert job.items[0].plan["document"] == str(saved)
    assert job.items[0].outputs["document"]["path"] == str(saved)
    assert journal.is_own_output(link / "notes.zh.txt")  # through the link too
    # The folder of results given again (through the link): its result is skipped.
    again = cli("doc", "translate", str(link), "--to", "zh", "--provider", "echo", "-o", "x")
    assert again.exit_code == EXIT_CODES["input"] and "nothing to translate" in again.stderr


def test_outputs_that_meet_through_a_symlink_are_refused_before_sending(echo, tmp_path):
    real = tmp_path / "out"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        (folder / "r.txt").write_text(f"from {folder.name}\n", encoding="utf-8")
    hub = transhub.Hub()
    plans = [
        hub.prepare_document(one / "r.txt", "zh", provider="echo", output_dir=real),
        hub.prepare_document(two / "r.txt", "zh", provider="echo", output_dir=link),
    ]
    with pytest.raises(InputError, match="would both be saved as"):
        hub.run_batch(plans)
    assert echo.log.count() == 0 and not list(real.iterdir())


def test_a_result_named_through_a_symlink_is_recognised_as_transhubs(cli, echo, sample, tmp_path):
    first = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo", "-o", "a")
    assert first.exit_code == 0, first.stderr
    alias = tmp_path / "alias.zh.txt"
    alias.symlink_to(tmp_path / "a" / "notes.zh.txt")
    named = cli(
        "doc", "translate", str(alias), "--to", "fr", "--provider", "echo", "-o", "b", "--json"
    )
    assert named.exit_code == 0, named.stderr
    assert f"{alias} is a result transhub wrote; translating it anyway" in named.stderr
    (record,) = json.loads(named.stdout)
    assert record["input"] == str(alias) and record["status"] == "completed"
