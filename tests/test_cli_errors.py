"""Errors become one line and a documented exit code; tracebacks only with --debug."""

from __future__ import annotations

import pytest
from transhub.errors import EXIT_CODES


@pytest.fixture
def crashing(echo, monkeypatch):
    """The echo provider's text translation fails with a bug (not a transhub error)."""
    from transhub_echo.provider import EchoText

    def broken(self, text, target, source):
        raise RuntimeError("a bug in a plugin")

    monkeypatch.setattr(EchoText, "translate", broken)
    return echo


def test_an_unexpected_error_is_one_line_without_debug(cli, crashing):
    result = cli("text", "hi", "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["failure"]
    assert result.stderr.strip().splitlines() == [
        "transhub: internal error: RuntimeError: a bug in a plugin "
        "(run with --debug for the traceback, and please report it)"
    ]


def test_debug_adds_the_traceback(cli, crashing):
    result = cli("--debug", "text", "hi", "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["failure"]
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: a bug in a plugin" in result.stderr


def test_typed_errors_show_a_traceback_only_with_debug(cli, echo):
    plain = cli("dict", "qwzx", "--provider", "echo")
    assert plain.exit_code == EXIT_CODES["not-found"] and "Traceback" not in plain.stderr
    debug = cli("--debug", "dict", "qwzx", "--provider", "echo")
    assert debug.exit_code == EXIT_CODES["not-found"] and "Traceback" in debug.stderr


def test_verbose_shows_http_calls_and_routing(cli, echo):
    result = cli("-vv", "text", "hi", "--to", "zh")
    assert "routing text to echo" in result.stderr
    assert "echo POST" in result.stderr and "/v1/text" in result.stderr


def test_bad_override_syntax_is_a_usage_error(cli):
    result = cli("-c", "no-equals-sign", "providers")
    assert result.exit_code == EXIT_CODES["usage"]
    assert "KEY=VALUE" in result.stderr
