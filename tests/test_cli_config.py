"""``transhub config``: real TOML, where each value comes from, get, validated set, and
secrets piped in or typed without noise."""

from __future__ import annotations

import json
import subprocess
import sys

import tomllib
from transhub.errors import EXIT_CODES
from transhub.testing import isolated_environment

SECRET = "piped-s3cret-value"


def test_show_prints_toml_that_parses_back(cli, echo, isolated):
    cli("config", "set", "echo.channels", "3")
    cli("config", "set", "echo.token", SECRET)
    result = cli("config", "show")
    assert result.exit_code == 0, result.stderr
    shown = tomllib.loads(result.stdout)
    assert shown["insecure"] is False and "insecure = false" in result.stdout
    assert shown["read_timeout"] == 120.0
    assert shown["echo"]["channels"] == 3
    assert shown["echo"]["token"] == "********"
    assert SECRET not in result.stdout + result.stderr
    assert "(unset)" not in result.stdout and "None" not in result.stdout
    # Unset settings are comments: a default provider nobody chose, say.
    assert "# document is not set" in result.stdout
    assert "document" not in shown.get("defaults", {})


def test_show_json_has_the_files_layout(cli, echo):
    cli("config", "set", "defaults.text", "echo")
    shown = json.loads(cli("config", "show", "--json").stdout)
    assert shown["defaults"]["text"] == "echo" and shown["defaults"]["document"] is None
    assert shown["echo"]["token"] == "********"  # set by the fixture's environment
    assert shown["retries"] == 4


def test_origin_says_where_each_value_comes_from(cli, echo, monkeypatch):
    cli("config", "set", "retries", "2")
    monkeypatch.setenv("TRANSHUB_READ_TIMEOUT", "40")
    result = cli("-c", "echo.channels=5", "config", "show", "--origin")
    lines = result.stdout.splitlines()
    assert "retries = 2  # file" in lines
    assert "read_timeout = 40.0  # env TRANSHUB_READ_TIMEOUT" in lines
    assert "channels = 5  # -c" in lines
    assert "connect_timeout = 10.0  # default" in lines
    tomllib.loads(result.stdout)  # still TOML: the origins are comments
    as_json = json.loads(
        cli("-c", "echo.channels=5", "config", "show", "--origin", "--json").stdout
    )
    assert as_json["echo"]["channels"] == {"value": 5, "origin": "-c"}


def test_get_prints_one_value(cli, echo, monkeypatch):
    assert cli("config", "get", "retries").stdout == "4\n"
    assert cli("config", "get", "echo.token").stdout == '"********"\n'
    assert cli("config", "get", "insecure", "--origin").stdout == "false  # default\n"
    unset = cli("config", "get", "defaults.document")
    assert unset.exit_code == 1 and unset.stdout == "" and "is not set" in unset.stderr
    record = json.loads(cli("config", "get", "retries", "--json").stdout)
    assert record == {"key": "retries", "value": 4, "origin": "default"}
    unknown = cli("config", "get", "retris")
    assert unknown.exit_code == EXIT_CODES["usage"] and "did you mean retries?" in unknown.stderr
    short = cli("config", "set", "defaults.doc", "echo")  # a key cut short: the one it begins
    assert short.exit_code == EXIT_CODES["usage"]
    assert "did you mean defaults.document?" in short.stderr


def test_set_checks_type_bounds_and_choices(cli, echo, isolated):
    for key, value, says in (
        ("echo.channels", "many", "valid integer"),
        ("retries", "21", "less than or equal to 20"),
        ("read_timeout", "0", "greater than 0"),
        ("insecure", "perhaps", "valid boolean"),
        ("defaults.text", "ehco", "choices: echo, fanyigou, parrot"),
    ):
        result = cli("config", "set", key, value)
        assert result.exit_code == EXIT_CODES["configuration"], (key, result.stderr)
        assert says in result.stderr and key in result.stderr, result.stderr
    assert "did you mean echo?" in cli("config", "set", "defaults.text", "ehco").stderr
    assert not (isolated / "config.toml").exists()  # nothing invalid was written
    assert cli("config", "set", "insecure", "yes").exit_code == 0
    assert "insecure = true" in (isolated / "config.toml").read_text()


def _real(args, *, home, stdin=None, input=None):
    return subprocess.run(
        [sys.executable, "-m", "transhub", *args],
        stdin=stdin,
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
        env=isolated_environment(home, plugins="fanyigou"),
        check=False,
    )


def test_a_piped_secret_is_stored_without_warnings(isolated):
    result = _real(["config", "set", "fanyigou.private_key"], input=SECRET + "\n", home=isolated)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"fanyigou.private_key set in {isolated / 'config.toml'}\n"
    assert "GetPassWarning" not in result.stderr and SECRET not in result.stderr
    assert f'private_key = "{SECRET}"' in (isolated / "config.toml").read_text()


def test_an_empty_stdin_is_a_clear_error_not_an_interruption(isolated):
    with open("/dev/null") as nothing:
        result = _real(["config", "set", "fanyigou.appid"], stdin=nothing, home=isolated)
    assert result.returncode == EXIT_CODES["usage"]
    assert "no value for fanyigou.appid: standard input was empty" in result.stderr
    assert "interrupted" not in result.stderr
    assert not (isolated / "config.toml").exists()


def test_routing_order_shows_as_a_toml_array(cli, echo):
    assert cli("config", "set", "routing.order", "parrot,echo").exit_code == 0
    result = cli("config", "show", "--origin")
    assert 'order = ["parrot", "echo"]  # file' in result.stdout.splitlines()
    assert tomllib.loads(result.stdout)["routing"]["order"] == ["parrot", "echo"]
    assert cli("config", "get", "routing.order").stdout == '["parrot", "echo"]\n'
    typo = cli("config", "set", "routing.ordr", "echo")
    assert typo.exit_code == EXIT_CODES["usage"] and "did you mean routing.order?" in typo.stderr
