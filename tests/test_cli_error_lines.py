"""Errors and settings: every usage error is one line, every bad value names its source
and value (never a secret's), a confirmation nobody can answer is a no, and notes are
JSON under --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from transhub.errors import EXIT_CODES
from transhub.testing import make_image

USAGE = EXIT_CODES["usage"]
CONFIGURATION = EXIT_CODES["configuration"]


def _one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def uploads(fanyigou) -> int:
    return fanyigou.log.count("image/uploadTranslateImage")


# -- 1. usage errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["image", "translate", "ok.png", "--provider", "fanyigou"],
            "transhub: error: image translate: missing option '--to' "
            "(see 'transhub image translate --help')",
        ),
        (
            ["image", "translate", "ok.png", "--to", "en", "-j", "0"],
            "transhub: error: image translate: invalid value for '-j' / '--jobs': 0 is not "
            "in the range 1<=x<=64 (see 'transhub image translate --help')",
        ),
        (["doc", "convert", "x.pdf", "--format", "png"], "doc convert: invalid value for"),
        (["completion", "tcsh"], "completion: invalid value for"),
        (["config", "set", "a", "b", "extra"], "config set: got unexpected extra argument"),
        (["jobs", "list", "--state", "bogus"], "jobs list: invalid value for '--state'"),
        (["glossary", "show"], "glossary show: missing argument 'ID'"),
        (["-j", "1", "providers"], "transhub: error: no such option '-j' (see 'transhub --help')"),
    ],
    ids=["missing", "range", "choice", "shell", "extra", "state", "argument", "root"],
)
def test_every_usage_error_is_one_line(cli, fanyigou, argv, expected):
    result = cli(*argv)
    assert result.exit_code == USAGE
    line = _one_line(result)
    assert line.startswith("transhub: error: ") and expected in line
    assert "(see 'transhub" in line
    assert uploads(fanyigou) == 0


def test_usage_errors_stay_json_under_json(cli):
    result = cli("glossary", "show", "--json")
    document = json.loads(_one_line(result))["error"]
    assert result.exit_code == USAGE and document["code"] == "usage"
    assert "Missing argument 'ID'" in document["message"]


# -- 2. negative values reach the setting's range check ---------------------------------------


def test_a_negative_value_is_checked_not_taken_for_an_option(cli, isolated):
    result = cli("config", "set", "read_timeout", "-5")
    assert result.exit_code == CONFIGURATION
    assert _one_line(result) == (
        "transhub: error: read_timeout: Input should be greater than 0 (got '-5')"
    )
    assert not (isolated / "config.toml").exists()
    given = cli("-c", "read_timeout=-5", "languages")
    assert given.exit_code == CONFIGURATION
    assert "greater than 0 (got '-5' from -c read_timeout)" in _one_line(given)


# -- 3. a confirmation nobody can answer -------------------------------------------------------


def _real(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "transhub", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
        check=False,
    )


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
def test_confirm_at_end_of_input_is_a_no(fanyigou, tmp_path, json_flag):
    image = make_image(tmp_path / "a.png", 40, 40)
    result = _real("image", "translate", str(image), "--to", "en", "--provider", "fanyigou",
                   "-o", "out", "--confirm", *json_flag)  # fmt: skip
    assert result.returncode == EXIT_CODES["failure"], result.stderr
    assert "interrupted" not in result.stderr
    said = "no answer to the confirmation (standard input is closed); nothing was sent"
    if json_flag:
        error = json.loads(result.stderr.strip().splitlines()[-1])["error"]
        assert error["code"] == "failure" and error["message"] == said
    else:
        assert result.stderr.strip().splitlines()[-1] == f"transhub: error: {said}"
    assert uploads(fanyigou) == 0


# -- 4. a bad value names where it comes from ----------------------------------------------------


def test_a_bad_variable_is_named_with_its_value(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_FANYIGOU_CHANNELS", "abc")
    result = cli("config", "get", "fanyigou.channels")
    assert result.exit_code == CONFIGURATION
    line = _one_line(result)
    assert "fanyigou.channels" in line and "(got 'abc' from TRANSHUB_FANYIGOU_CHANNELS)" in line


def test_a_bad_file_value_names_the_file_and_never_a_secret(cli, isolated):
    isolated.mkdir(parents=True, exist_ok=True)
    config = isolated / "config.toml"
    config.write_text("[fanyigou]\nprivate_key = 12345\n")
    config.chmod(0o600)
    result = cli("config", "get", "fanyigou.channels")
    assert result.exit_code == CONFIGURATION
    line = _one_line(result)
    assert "fanyigou.private_key" in line and str(config) in line and "12345" not in line


@pytest.mark.parametrize("command", [["providers"], ["languages"], ["config", "show"]])
@pytest.mark.parametrize(
    ("assignment", "says"),
    [("fanyigou.channels=abc", "valid integer"), ("read_timeout=abc", "valid number")],
)
def test_a_bad_c_value_fails_every_command(cli, fanyigou, command, assignment, says):
    result = cli("-c", assignment, *command)
    assert result.exit_code == CONFIGURATION
    line = _one_line(result)
    key = assignment.partition("=")[0]
    assert says in line and f"(got 'abc' from -c {key})" in line
    assert result.stdout == ""


# -- 5. config file mistakes -----------------------------------------------------------------


def test_unknown_file_keys_are_warned_once_with_a_did_you_mean(cli, isolated):
    isolated.mkdir(parents=True, exist_ok=True)
    config = isolated / "config.toml"
    config.write_text('read_timout = 5\n[fanyigou]\nprivate_kye = "HUNTER2PW"\n')
    config.chmod(0o600)
    # A real process: pytest would catch the warnings an in-process run gives.
    result = _real("config", "show")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"transhub: warning: {config}: unknown setting 'read_timout' is ignored; "
        "did you mean read_timeout?",
        f"transhub: warning: {config}: unknown setting 'fanyigou.private_kye' is ignored; "
        "did you mean fanyigou.private_key?",
    ]
    assert "HUNTER2PW" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("fanyigou.endpoint", "notaurl", "must be an http(s) URL"),
        ("routing.order", "fanyigou,alibab", "'alibab' is not an installed provider"),
        ("journal.url", "HUNTER2PW", "journal.url: not a journal URL"),
        ("journal.url", "ftp://host/db", "unsupported scheme"),
    ],
)
def test_config_set_checks_values_as_they_are_used(cli, isolated, key, value, says):
    result = cli("config", "set", key, value)
    assert result.exit_code == CONFIGURATION
    line = _one_line(result)
    assert says in line
    if key == "journal.url":
        assert "HUNTER2PW" not in line
    if key == "routing.order":
        assert "did you mean alibaba?" in line
    assert not (isolated / "config.toml").exists()


def test_a_journal_url_that_is_not_one_is_masked_whole(cli, isolated):
    isolated.mkdir(parents=True, exist_ok=True)
    config = isolated / "config.toml"
    config.write_text('[journal]\nurl = "HUNTER2PW"\n')
    config.chmod(0o600)
    result = cli("config", "show")
    assert 'url = "********"' in result.stdout and "HUNTER2PW" not in result.stdout


# -- 6. a provider's own variable is its origin -------------------------------------------------


def test_the_origin_of_a_standard_variable(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "deepl")
    monkeypatch.setenv("DEEPL_AUTH_KEY", "k:fx")
    result = cli("config", "show", "--origin", "--json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)["deepl"]["auth_key"]
    assert shown == {"value": "********", "origin": "env DEEPL_AUTH_KEY"}
    assert "k:fx" not in result.stdout


# -- 7 and 8. notes: JSON under --json, -j's cap only when asked for -----------------------------


def _batch(tmp_path):
    (tmp_path / "in").mkdir()
    good = [str(make_image(tmp_path / "in" / f"{n}.png", 40 + n, 40)) for n in range(2)]
    bad = tmp_path / "in" / "bad.png"
    bad.write_text("not an image\n")
    return [*good, str(bad)]


def test_notes_are_json_under_json(cli, fanyigou, tmp_path):
    inputs = _batch(tmp_path)
    result = cli("image", "translate", *inputs, "--to", "en", "--provider", "fanyigou",
                 "-o", "out", "--keep-going", "-j", "3", "--json")  # fmt: skip
    assert result.exit_code == EXIT_CODES["failure"]
    notes = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    codes = [note["note"]["code"] for note in notes if "note" in note]
    assert "skipped" in codes and "capped" in codes and "failed" in codes
    # The core's notes are all JSON (the last, plugin-free line is cli/image.py's own).
    plain = [line for line in result.stderr.splitlines() if not line.startswith("{")]
    assert all("not translated" in line for line in plain), plain
    assert uploads(fanyigou) == 2


@pytest.mark.parametrize(
    ("flags", "said"),
    [([], False), (["-q"], False), (["-j", "3", "-q"], False), (["-j", "3"], True)],
    ids=["default", "quiet", "asked-quiet", "asked"],
)
def test_the_cap_is_said_only_when_j_was_asked_for(cli, fanyigou, tmp_path, flags, said):
    inputs = _batch(tmp_path)[:2]
    result = cli("image", "translate", *inputs, "--to", "en", "--provider", "fanyigou",
                 "-o", "out", *flags)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert ("capped to 1" in result.stderr) is said


# -- 9. config get of a setting that is not set ---------------------------------------------------


def test_config_get_of_an_unset_key_is_an_error(cli, fanyigou):
    result = cli("config", "get", "defaults.text")
    assert result.exit_code == EXIT_CODES["failure"] and result.stdout == ""
    assert _one_line(result).startswith("transhub: error: defaults.text is not set")
    as_json = cli("config", "get", "defaults.text", "--json")
    assert as_json.exit_code == EXIT_CODES["failure"]
    assert json.loads(as_json.stdout)["value"] is None
    assert json.loads(_one_line(as_json))["error"]["message"] == "defaults.text is not set"
