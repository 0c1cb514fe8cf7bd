"""``transhub sandbox serve`` includes the DeepL emulator: the official ``deepl``
library and transhub itself, in other processes, work against what it prints."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import deepl


def test_serve_prints_the_settings_any_client_can_use() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "transhub", "sandbox", "serve", "--duration", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    exports: dict[str, str] = {}
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("export "):
                key, _, value = line[len("export ") :].strip().partition("=")
                exports[key] = value.strip("'")
            if {"TRANSHUB_DEEPL_ENDPOINT", "TRANSHUB_DEEPL_AUTH_KEY"} <= set(exports):
                break
        translator = deepl.Translator(
            exports["TRANSHUB_DEEPL_AUTH_KEY"], server_url=exports["TRANSHUB_DEEPL_ENDPOINT"]
        )
        assert translator.translate_text("hi", target_lang="DE").text == "[DE] hi"
        translated = subprocess.run(
            [sys.executable, "-m", "transhub", "text", "hi", "--to", "de"],
            env={**os.environ, **exports},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert translated.returncode == 0, translated.stderr
        assert translated.stdout.strip() == "[DE] hi"
        # One service: the library's characters and transhub's are counted together.
        assert translator.get_usage().character.count == 4
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
