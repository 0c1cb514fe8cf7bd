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
    with pytest.raises(LimitExceededError, match="bytes per request"):
        list(batches(["a" * (128 * 1024)]))


def test_many_texts_in_few_requests_in_order(service: Any) -> None:
    hub = transhub.Hub()
    translator = hub.instance(hub.route(Capability.TEXT))
    texts = [f"line {n}" for n in range(120)]
    results = translator.translate_many(texts, "de", None)
    assert [r.text for r in results] == [f"[DE] line {n}" for n in range(120)]
    assert {r.source for r in results} == {"en"}
    assert service.count("translate") == 3
