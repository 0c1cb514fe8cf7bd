"""Settings precedence, the config file, and secret masking."""

from __future__ import annotations

import json
import os
import stat

import pytest
from transhub.errors import EXIT_CODES

SECRET = "s3cr3t-token-value"


def test_precedence_command_line_then_env_then_file_then_default(cli, echo, monkeypatch):
    def channels():
        result = cli("config", "show", "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)["echo"]["channels"]

    assert channels() == 2  # default
    assert cli("config", "set", "echo.channels", "3").exit_code == 0
    assert channels() == 3  # file
    monkeypatch.setenv("TRANSHUB_ECHO_CHANNELS", "4")
    assert channels() == 4  # environment beats the file
    result = cli("-c", "echo.channels=5", "config", "show", "--json")
    assert json.loads(result.stdout)["echo"]["channels"] == 5  # command line beats all


def test_core_settings_precedence(cli, monkeypatch):
    assert cli("config", "set", "read_timeout", "30").exit_code == 0
    shown = json.loads(cli("config", "show", "--json").stdout)
    assert shown["read_timeout"] == 30.0
    monkeypatch.setenv("TRANSHUB_READ_TIMEOUT", "40")
    assert json.loads(cli("config", "show", "--json").stdout)["read_timeout"] == 40.0


def test_config_file_is_private_and_secrets_are_masked(cli, echo, isolated):
    result = cli("config", "set", "echo.token", SECRET)
    assert result.exit_code == 0, result.stderr
    path = isolated / "config.toml"
    assert cli("config", "path").stdout.strip() == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SECRET in path.read_text()
    shown = cli("config", "show")
    assert SECRET not in shown.stdout + shown.stderr
    assert 'token = "********"' in shown.stdout
    as_json = cli("config", "show", "--json")
    assert SECRET not in as_json.stdout


def test_secret_typed_at_a_hidden_prompt(cli, echo, isolated):
    result = cli("config", "set", "echo.token", input=SECRET + "\n")
    assert result.exit_code == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert SECRET in (isolated / "config.toml").read_text()


def test_unset_and_unknown_keys(cli, echo, isolated):
    cli("config", "set", "echo.channels", "3")
    assert cli("config", "unset", "echo.channels").exit_code == 0
    assert "echo" not in (isolated / "config.toml").read_text()
    for key in ("nope", "echo.nope", "nobody.key", "defaults.nothing"):
        result = cli("config", "set", key, "1")
        assert result.exit_code == EXIT_CODES["usage"], key
        assert f"unknown setting {key!r}" in result.stderr
    bad = cli("config", "set", "echo.channels", "many")
    assert bad.exit_code == EXIT_CODES["configuration"] and "integer" in bad.stderr


def test_invalid_values_give_one_line(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_READ_TIMEOUT", "-1")
    result = cli("config", "show")
    assert result.exit_code == EXIT_CODES["configuration"]
    assert "read_timeout" in result.stderr and "Traceback" not in result.stderr


def test_config_readable_by_others_warns(cli, echo, isolated):
    cli("config", "set", "echo.channels", "3")
    path = isolated / "config.toml"
    os.chmod(path, 0o644)
    with pytest.warns(UserWarning, match="readable by other users"):
        cli("config", "show")


def test_broken_toml_is_a_configuration_error(cli, isolated):
    isolated.mkdir(parents=True, exist_ok=True)
    path = isolated / "config.toml"
    path.write_text("this is = = not toml")
    path.chmod(0o600)
    result = cli("config", "show")
    assert result.exit_code == EXIT_CODES["configuration"]
    assert "not valid TOML" in result.stderr


def test_transhub_config_names_another_file(cli, echo, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("TRANSHUB_CONFIG", str(other))
    assert cli("config", "path").stdout.strip() == str(other)
    cli("config", "set", "echo.channels", "3")
    assert "channels = 3" in other.read_text()


def test_secrets_never_reach_debug_output(cli, echo, monkeypatch, sample):
    monkeypatch.setenv("TRANSHUB_ECHO_TOKEN", "test-token")
    for args in (
        ["--debug", "-vv", "doc", "translate", str(sample), "--to", "zh", "--provider", "echo"],
        ["--debug", "config", "show"],
        ["--debug", "text", "x" * 3000, "--to", "zh"],
    ):
        result = cli(*args)
        assert "test-token" not in result.stdout + result.stderr, args
