"""Shout's own tests: the CLI over the emulator, the language codes on the wire, and
each of Shout's error answers as transhub's exit code."""

from __future__ import annotations

import json

import pytest
from transhub.emulation import Fault


def test_providers_lists_shout_unconfigured(transhub_cli):
    result = transhub_cli("providers", "--json")
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)
    assert (row["name"], row["capabilities"], row["configured"]) == ("shout", ["text"], False)
    assert row["missing"] == ["TRANSHUB_SHOUT_API_KEY"]


def test_text_is_shouted_through_the_emulator(transhub_sandbox, transhub_cli):
    emulator = transhub_sandbox("shout")
    result = transhub_cli("text", "Hello", "--to", "fr", "--from", "en")
    assert (result.exit_code, result.stdout.strip()) == (0, "[FR] HELLO!")
    # transhub's canonical codes became Shout's own on the wire.
    assert emulator.log.records()[-1].fields == {"text": "Hello", "to": "FR", "from": "EN"}


def test_the_source_language_is_detected(transhub_sandbox, transhub_cli):
    transhub_sandbox("shout")
    result = transhub_cli("text", "Hola", "--to", "de", "--json")
    assert json.loads(result.stdout) == {
        "text": "[DE] HOLA!",
        "source": "en",
        "target": "de",
        "billed_characters": None,  # the service does not say
    }


def test_a_text_over_the_limit_is_refused_before_sending(transhub_sandbox, transhub_cli):
    emulator = transhub_sandbox("shout")
    result = transhub_cli("text", "a" * 501, "--to", "fr", "--provider", "shout")
    assert result.exit_code == 4
    assert "over shout's limit of 500" in result.stderr
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("fault", "exit_code", "message"),
    [
        (Fault.THROTTLE, 8, "too many requests"),
        (Fault.HTML, 10, "answered an HTML page"),
        (Fault.DROP_BEFORE, 9, "connection failed"),
    ],
)
def test_service_failures_become_exit_codes(
    transhub_sandbox, transhub_cli, fault, exit_code, message
):
    emulator = transhub_sandbox("shout")
    emulator.faults.queue(fault, times=10)
    result = transhub_cli("-c", "retries=0", "text", "Hello", "--to", "fr")
    assert result.exit_code == exit_code
    assert message in result.stderr


def test_a_wrong_key_is_an_authentication_error(transhub_sandbox, transhub_cli, monkeypatch):
    transhub_sandbox("shout")
    monkeypatch.setenv("TRANSHUB_SHOUT_API_KEY", "not-the-key")
    result = transhub_cli("text", "Hello", "--to", "fr")
    assert result.exit_code == 6
    assert "check TRANSHUB_SHOUT_API_KEY" in result.stderr
