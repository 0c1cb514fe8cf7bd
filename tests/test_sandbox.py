"""Sandbox mode: the whole flow against the emulators, with no account."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from transhub.journal import Journal
from transhub.testing.processes import read_exports, run, spawn


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
    process = spawn("sandbox", "serve", "--duration", "0")
    try:
        exports = read_exports(process, "TRANSHUB_ECHO_TOKEN", "TRANSHUB_ECHO_ENDPOINT")
        env = {**os.environ, **exports}
        translated = run("text", "hi", "--to", "zh", "--provider", "echo", env=env)
        assert translated.returncode == 0, translated.stderr
        assert translated.stdout.strip() == "[zh] hi"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0


PYTHON_SANDBOX = """
import json, os, sys
import transhub
hub = transhub.Hub(sandbox=True) if sys.argv[1] == "argument" else transhub.Hub()
result = hub.translate_text("hello", "ja", provider="echo")
print(json.dumps({"text": result.text, "sandbox": os.environ.get("TRANSHUB_SANDBOX")}))
"""


def _python(code: str, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_python_hub_with_sandbox_true_runs_against_the_emulators(isolated):
    import json

    result = _python(PYTHON_SANDBOX, "argument")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"text": "[ja] hello", "sandbox": "1"}


def test_python_with_transhub_sandbox_1_does_the_same(isolated):
    import json

    result = _python(PYTHON_SANDBOX, "environment", env={"TRANSHUB_SANDBOX": "1"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == "[ja] hello"
    plain = _python(PYTHON_SANDBOX, "environment")
    assert plain.returncode != 0 and "ConfigurationError" in plain.stderr  # no sandbox asked


WITHOUT = """
import sys
# As after `pip install ./` without the [sandbox] extras: the module cannot be imported.
sys.modules[sys.argv[1]] = None
from transhub.cli.root import run
sys.exit(run(sys.argv[2:]))
"""


def test_without_the_sandbox_extras_the_error_names_the_install_command(isolated, monkeypatch):
    # The provider plugins import their emulators only when one starts (the echo test
    # plugin does at registration).
    monkeypatch.setenv("TRANSHUB_PLUGINS", "fanyigou,alibaba")
    result = _python(WITHOUT, "werkzeug", "--sandbox", "text", "hi", "--to", "ja")
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().splitlines() == [
        "transhub: error: the sandbox needs werkzeug, which is not installed: pip install "
        "'transhub[sandbox]' (the emulators need werkzeug; --tls needs trustme)"
    ]
    tls = _python(WITHOUT, "trustme", "sandbox", "serve", "--tls", "--for", "0")
    assert tls.returncode == 3 and "the sandbox needs trustme" in tls.stderr


def test_the_sandbox_extras_bring_what_serve_tls_needs():
    import re
    from importlib.metadata import requires

    extras = [r for r in requires("transhub") if re.search(r"extra == [\"']sandbox[\"']", r)]
    assert any(r.startswith("werkzeug") for r in extras)
    assert any(r.startswith("trustme") for r in extras)


def test_serve_tls_serves_https_with_a_bundle(cli, isolated):
    result = cli("sandbox", "serve", "--tls", "--for", "0")
    assert result.exit_code == 0, result.stderr
    assert "export REQUESTS_CA_BUNDLE=" in result.stdout
    assert "https://127.0.0.1:" in result.stdout


def test_a_sandbox_image_result_has_the_extension_of_its_content(cli, monkeypatch, tmp_path):
    from PIL import Image

    monkeypatch.setenv("TRANSHUB_PLUGINS", "fanyigou")
    for name, kind in (("photo.jpg", "JPEG"), ("scan.png", "PNG"), ("old.bmp", "BMP")):
        Image.new("RGB", (300, 200), "white").save(tmp_path / name, format=kind)
        result = cli(
            "--sandbox",
            "image",
            "translate",
            str(tmp_path / name),
            "--from",
            "zh",
            "--to",
            "en",
            "-o",
            "out",
        )
        assert result.exit_code == 0, result.stderr
        (output,) = (tmp_path / "out").glob(f"{name.split('.')[0]}.en.*")
        with Image.open(output) as image:
            assert f".{image.format.lower()}" == output.suffix, output


def test_an_image_url_result_has_the_extension_of_its_content(cli, monkeypatch, tmp_path):
    from PIL import Image

    monkeypatch.setenv("TRANSHUB_PLUGINS", "alibaba")
    urls = ["https://example.com/photo.jpg", "https://example.com/scan.png"]
    result = cli("--sandbox", "image", "translate", *urls, "--from", "zh", "--to", "en", "-o", "o")
    assert result.exit_code == 0, result.stderr
    outputs = sorted((tmp_path / "o").iterdir())
    assert len(outputs) == 2
    for output in outputs:
        with Image.open(output) as image:
            assert f".{image.format.lower()}" == output.suffix, output
