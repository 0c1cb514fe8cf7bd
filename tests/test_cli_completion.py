"""Shell completion (click's) for bash, zsh and fish, with dynamic values: providers,
language codes, job ids and setting keys — asked the way the shells ask, in a real
process."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from transhub.testing.processes import run


def complete(words: str, *, shell: str = "bash") -> list[str]:
    """What transhub offers for the last word of ``words`` (as bash would ask)."""
    argv = words.split(" ")
    result = run(
        env={
            **os.environ,
            "_TRANSHUB_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(argv) - 1),
        }
    )
    assert result.returncode == 0, result.stderr
    if shell == "bash":  # "type,value" per line
        return [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]
    return result.stdout.splitlines()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_for_each_shell(cli, shell):
    result = cli("completion", shell)
    assert result.exit_code == 0, result.stderr
    assert "_TRANSHUB_COMPLETE" in result.stdout
    assert f"{shell}_complete" in result.stdout
    if shell == "bash" and shutil.which("bash"):
        checked = subprocess.run(["bash", "-n"], input=result.stdout, text=True, check=False)
        assert checked.returncode == 0


def test_commands_and_options_complete():
    assert {"doc", "text", "completion", "config"} <= set(complete("transhub "))
    assert "--provider" in complete("transhub text hi --pro")


def test_provider_names_complete():
    assert complete("transhub text hi --provider ") == ["alibaba", "echo", "fanyigou", "parrot"]
    assert complete("transhub doc translate a.txt --provider fa") == ["fanyigou"]


def test_language_codes_complete():
    offered = complete("transhub text hi --to zh")
    assert offered == ["zh", "zh-Hant"]
    assert "de" in complete("transhub doc translate a.txt --from ")


def test_setting_keys_complete():
    offered = complete("transhub config set fanyigou.")
    assert "fanyigou.appid" in offered and "fanyigou.private_key" in offered
    assert "read_timeout" in complete("transhub config get read")
    assert "defaults.document" in complete("transhub config unset defaults.")


def test_job_ids_complete_from_the_journal(cli, echo, sample, isolated):
    assert complete("transhub jobs show ") == []  # no journal yet: nothing, and no error
    assert not (isolated / "data" / "jobs.db").exists()  # completing created no journal
    cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo")
    from transhub.journal import open_journal

    (job,) = open_journal().jobs()
    assert complete("transhub jobs show ") == [job.id]
    assert complete(f"transhub jobs resume {job.id[:2]}") == [job.id]
    assert complete("transhub jobs show zzzz") == []


def test_zsh_gets_descriptions():
    lines = complete("transhub text hi --to ja", shell="zsh")
    assert lines[:3] == ["plain", "ja", "Japanese"]
