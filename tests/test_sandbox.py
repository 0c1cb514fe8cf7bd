"""Sandbox mode: the whole flow against the emulators, with no account."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from transhub.journal import Journal


def test_sandbox_runs_a_command_unchanged_against_the_emulators(cli, isolated, tmp_path):
    sample = cli("sandbox", "sample").stdout.strip()
    assert Path(sample).is_file()
    result = cli(
        "--sandbox", "doc", "translate", sample, "--to", "zh", "--provider", "echo", "-o", "out"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("sandbox mode") == 1
    assert "not real translations" in result.stderr
    output = tmp_path / "out" / "welcome.zh.txt"
    assert output.read_text(encoding="utf-8").startswith("[zh] Welcome to transhub.")
    # The journal lives apart from real jobs.
    assert [j.provider for j in Journal(isolated / "data" / "sandbox" / "jobs.db").jobs()] == [
        "echo"
    ]
    assert cli("jobs", "list", "--json").stdout.strip() == "[]"
    assert "TRANSHUB_ECHO_TOKEN" not in os.environ  # the run's settings do not leak


def test_the_environment_variable_turns_it_on(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_SANDBOX", "1")
    result = cli("text", "hello", "--to", "ja", "--provider", "echo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "[ja] hello" and "sandbox mode" in result.stderr


def test_serve_prints_exports_that_point_any_client_at_the_emulators(cli, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "transhub", "sandbox", "serve", "--duration", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    exports = {}
    try:
        for line in process.stdout:
            if line.startswith("export "):
                key, _, value = line[len("export ") :].strip().partition("=")
                exports[key] = value.strip("'")
            if "TRANSHUB_ECHO_TOKEN" in exports and "TRANSHUB_ECHO_ENDPOINT" in exports:
                break
        env = {**os.environ, **exports}
        translated = subprocess.run(
            [sys.executable, "-m", "transhub", "text", "hi", "--to", "zh", "--provider", "echo"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert translated.returncode == 0, translated.stderr
        assert translated.stdout.strip() == "[zh] hi"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
