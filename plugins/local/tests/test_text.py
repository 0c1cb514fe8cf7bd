"""Text translation through the ``apertium`` program, for the pairs installed.

The test installs Apertium and its English–Spanish pair with apt-get where it can (as
root, with apt-get present); elsewhere it is skipped, saying why."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from typing import NoReturn

import pytest

from transhub_local import apertium

SENTENCE = "The document has been saved."


def _install() -> str | None:
    """Install apertium + apertium-eng-spa; ``None`` when done, else why not."""
    if ("en", "es") in apertium.installed_modes():
        return None
    if shutil.which("apt-get") is None:
        return "apt-get is not available to install apertium apertium-eng-spa"
    if os.geteuid() != 0:
        return "installing apertium apertium-eng-spa needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        ["apt-get", "install", "-y", "-q", "apertium", "apertium-eng-spa"],
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "apertium", "apertium-eng-spa"],
    ):
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=600, check=False
        )
        if done.returncode == 0 and ("en", "es") in apertium.installed_modes():
            return None
    return f"apt-get could not install apertium-eng-spa: {done.stderr.strip()[-300:]}"


@pytest.fixture(scope="session")
def eng_spa(skip_or_fail: Callable[[str], NoReturn]) -> str:
    """The installed English → Spanish mode."""
    reason = _install()
    if reason is not None:
        skip_or_fail(f"Apertium tests: {reason}")
    return apertium.installed_modes()[("en", "es")]


def test_apertium_translates_through_the_cli(eng_spa: str, transhub):
    # Apertium's own answer, from the program itself, is the expected one.
    expected = subprocess.run(
        ["apertium", "-u", eng_spa], input=SENTENCE, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert "documento" in expected
    result = transhub(
        ["text", SENTENCE, "--from", "en", "--to", "es", "--provider", "local", "--json"]
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "text": expected,
        "source": "en",
        "target": "es",
        "billed_characters": None,  # nothing is billed offline
    }


def test_the_installed_pairs_are_declared(eng_spa: str, transhub):
    result = transhub(["providers", "--json"])
    (row,) = json.loads(result.stdout)
    assert row["name"] == "local" and "text" in row["capabilities"]
    languages = transhub(["languages", "--provider", "local", "--json"])
    assert languages.returncode == 0, languages.stderr
    assert "es" in languages.stdout


def test_no_pair_for_english_to_chinese(eng_spa: str, transhub):
    result = transhub(["text", SENTENCE, "--from", "en", "--to", "zh", "--provider", "local"])
    assert result.returncode == 4
    assert "local does not translate en → zh" in result.stderr or "cannot translate into" in (
        result.stderr
    )


def test_the_source_must_be_given(eng_spa: str, transhub):
    result = transhub(["text", SENTENCE, "--to", "es", "--provider", "local"])
    assert result.returncode == 4
    assert "give --from" in result.stderr


def test_a_failing_apertium_is_a_provider_error(eng_spa: str, tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "apertium"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'Error: broken pair' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(apertium, "program", lambda: str(fake))
    with pytest.raises(Exception, match=r"apertium eng-spa failed \(exit 3\): Error: broken pair"):
        apertium.translate(SENTENCE, "eng-spa", timeout=10)


def test_without_apertium_there_is_no_text_capability(monkeypatch, transhub):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert apertium.installed_modes() == {}
    result = transhub(["text", SENTENCE, "--from", "en", "--to", "es", "--provider", "local"])
    assert result.returncode == 5
    assert "no installed provider offers text" in result.stderr
