"""Text batching within DeepL's limits: at most 50 texts and 128 KiB per request."""

from __future__ import annotations

from typing import Any

import pytest
import transhub
from transhub.capabilities.kinds import Capability
from transhub.errors import LimitExceededError

from transhub_deepl.capabilities.text import batches


def test_batches_by_count_and_by_bytes() -> None:
    assert [len(b) for b in batches(["x"] * 120)] == [50, 50, 20]
    big = "é" * 30_000  # 60,000 bytes each: two fit in a request, three do not
    assert [len(b) for b in batches([big] * 5)] == [2, 2, 1]
    with pytest.raises(LimitExceededError, match=r"bytes\) per request"):
        list(batches(["a" * (128 * 1024)]))


def test_many_texts_in_few_requests_in_order(service: Any) -> None:
    hub = transhub.Hub()
    translator = hub.instance(hub.route(Capability.TEXT))
    texts = [f"line {n}" for n in range(120)]
    results = translator.translate_many(texts, "de", None)
    assert [r.text for r in results] == [f"[DE] line {n}" for n in range(120)]
    assert {r.source for r in results} == {"en"}
    assert service.count("translate") == 3


def test_the_limit_is_utf8_bytes_not_a_quarter_of_them_in_characters(service: Any) -> None:
    from transhub.testing import invoke

    ascii_text = "hello world " * 3000  # 36,000 characters, 36 KB: within 128 KiB
    result = invoke(["text", "--to", "de", "--provider", "deepl"], input=ascii_text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("[DE] hello world")
    assert service.count("translate") == 1
    wide = "日本語" * 15_000  # 45,000 characters, 135,000 bytes: over 128 KiB
    result = invoke(["text", "--to", "de", "--provider", "deepl"], input=wide)
    assert result.exit_code == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "over DeepL's limit of 128 KiB (131,072 bytes)" in lines[0]
    assert "135,00" in lines[0]
    assert service.count("translate") == 1  # nothing more sent


def test_one_text_too_large_refuses_the_others_before_any_request(service: Any) -> None:
    hub = transhub.Hub()
    translator = hub.instance(hub.route(Capability.TEXT, provider="deepl"))
    with pytest.raises(LimitExceededError, match="text 61 is"):
        translator.translate_many(["small"] * 60 + ["é" * 70_000], "de", None)
    assert service.count("translate") == 0


def test_non_utf8_standard_input_is_an_input_error(service: Any) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "transhub", "text", "--to", "de", "--provider", "deepl"],
        input=b"\xff\xfe bad",
        capture_output=True,
        timeout=60,
        env=dict(os.environ),
        check=False,
    )
    stderr = done.stderr.decode()
    assert done.returncode == 4, stderr
    assert stderr.splitlines() == [
        "transhub: error: the text is not valid UTF-8: byte 0xff at character 1 "
        "(standard input and text files are read as UTF-8; convert it first, "
        "e.g. with iconv -t UTF-8)"
    ]
    assert service.count("translate") == 0
