"""``transhub sandbox serve`` includes the DeepL emulator: the official ``deepl``
library and transhub itself, in other processes, work against what it prints."""

from __future__ import annotations

import os
import signal

import deepl
from transhub.testing.processes import read_exports, run, spawn


def test_serve_prints_the_settings_any_client_can_use() -> None:
    process = spawn("sandbox", "serve", "--duration", "0")
    try:
        exports = read_exports(process, "TRANSHUB_DEEPL_ENDPOINT", "TRANSHUB_DEEPL_AUTH_KEY")
        translator = deepl.Translator(
            exports["TRANSHUB_DEEPL_AUTH_KEY"], server_url=exports["TRANSHUB_DEEPL_ENDPOINT"]
        )
        assert translator.translate_text("hi", target_lang="DE").text == "[DE] hi"
        translated = run("text", "hi", "--to", "de", env={**os.environ, **exports})
        assert translated.returncode == 0, translated.stderr
        assert translated.stdout.strip() == "[DE] hi"
        # One service: the library's characters and transhub's are counted together.
        assert translator.get_usage().character.count == 4
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
