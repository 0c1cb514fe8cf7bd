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


# -- one wording and one exit code per class of problem ------------------------------------


def test_an_unsupported_file_type_is_exit_4_with_or_without_provider(cli, echo, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# notes\n", encoding="utf-8")
    chosen = cli("doc", "translate", str(notes), "--to", "zh", "--provider", "echo")
    routed = cli("doc", "translate", str(notes), "--to", "zh")
    for result in (chosen, routed):
        assert result.exit_code == EXIT_CODES["input"], result.stderr
        assert (
            f"{notes}: file type .md is not accepted by echo (accepted: docx, pdf, png, txt)"
            in (result.stderr)
        )
    assert chosen.stderr == routed.stderr
    assert echo.log.count() == 0


def test_an_unsupported_direction_is_exit_4_with_or_without_provider(cli, echo):
    chosen = cli("text", "hi", "--to", "ko", "--provider", "echo")
    routed = cli("text", "hi", "--to", "ko")
    assert chosen.exit_code == routed.exit_code == EXIT_CODES["input"]
    assert chosen.stderr == routed.stderr
    assert "echo cannot translate into Korean (ko)" in routed.stderr


def test_no_configured_provider_fits_several_is_exit_4_and_names_each(cli, parrot):
    result = cli("text", "hi", "--to", "ko")
    assert result.exit_code == EXIT_CODES["input"]
    assert "echo: echo cannot translate into Korean (ko)" in result.stderr
    assert "parrot:" in result.stderr


def test_over_limit_text_is_exit_4_and_names_the_limit(cli, echo):
    result = cli("text", "x" * 2001, "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["input"]
    assert "the text is 2001 characters, over echo's limit of 2000" in result.stderr
    assert echo.log.count() == 0


def test_a_language_name_suggests_its_code(cli, echo):
    result = cli("text", "hi", "--to", "chinese", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["input"]
    assert "unknown language code 'chinese': did you mean zh (Chinese (Simplified))?" in (
        result.stderr
    )
    typo = cli("text", "hi", "--to", "germn", "--provider", "echo")
    assert "did you mean de (German)?" in typo.stderr
    nothing = cli("text", "hi", "--to", "qqqqqq", "--provider", "echo")
    assert "did you mean" not in nothing.stderr


def test_missing_credentials_say_how_to_set_them_and_the_sandbox(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "fanyigou")
    for extra in ([], ["--provider", "fanyigou"]):
        result = cli("text", "hi", "--from", "en", "--to", "zh", *extra)
        assert result.exit_code == EXIT_CODES["configuration"], result.stderr
        assert "transhub config set fanyigou.appid VALUE" in result.stderr
        assert "transhub config set fanyigou.private_key VALUE" in result.stderr
        assert "TRANSHUB_FANYIGOU_APPID" in result.stderr
        assert "transhub --sandbox" in result.stderr


def test_a_network_failure_names_the_host_and_the_cause(cli, echo, monkeypatch):
    import socket

    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("TRANSHUB_ECHO_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TRANSHUB_RETRIES", "0")
    result = cli("text", "hi", "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["transient"]
    assert f"127.0.0.1:{port}: connection refused" in result.stderr
    monkeypatch.setenv("TRANSHUB_ECHO_ENDPOINT", "https://no-such-host.invalid")
    result = cli("text", "hi", "--to", "zh", "--provider", "echo")
    assert "no-such-host.invalid: the host name does not resolve" in result.stderr


def test_an_unknown_c_key_is_a_usage_error_with_a_suggestion(cli):
    for key, suggestion in (("read_timout", "read_timeout"), ("echo.chanels", "echo.channels")):
        result = cli("-c", f"{key}=2", "providers")
        assert result.exit_code == EXIT_CODES["usage"], key
        assert f"unknown setting {key!r}" in result.stderr
        assert f"did you mean {suggestion}?" in result.stderr
    unknown = cli("-c", "nobody.x=1", "providers")
    assert unknown.exit_code == EXIT_CODES["usage"] and "providers: " in unknown.stderr
    assert cli("-c", "echo.channels=2", "providers").exit_code == 0
