"""The emulator as an independent witness: it reads requests as DeepL does (form or
JSON) and refuses what DeepL refuses, with DeepL's statuses."""

from __future__ import annotations

from typing import Any

import requests

from transhub_deepl.sandbox import TEST_AUTH_KEY

AUTH = {"Authorization": f"DeepL-Auth-Key {TEST_AUTH_KEY}"}


def test_form_encoded_translate_with_repeated_text(instant: Any) -> None:
    answer = requests.post(
        f"{instant.url}/v2/translate",
        data=[("text", "one"), ("text", "two"), ("target_lang", "de")],
        headers=AUTH,
        timeout=10,
    )
    assert answer.status_code == 200
    assert [t["text"] for t in answer.json()["translations"]] == ["[DE] one", "[DE] two"]


def test_refusals_carry_deepls_statuses(instant: Any) -> None:
    def post(body: Any, headers: dict[str, str] = AUTH) -> requests.Response:
        return requests.post(f"{instant.url}/v2/translate", json=body, headers=headers, timeout=10)

    assert (
        post(
            {"text": ["x"], "target_lang": "DE"}, {"Authorization": "DeepL-Auth-Key no"}
        ).status_code
        == 403
    )
    assert post({"text": ["x"], "target_lang": "EN"}).status_code == 400  # the variant is required
    assert post({"text": ["x"] * 51, "target_lang": "DE"}).status_code == 400
    assert post({"text": ["x" * 140_000], "target_lang": "DE"}).status_code == 413
    assert post({"text": ["x"], "target_lang": "EN-US", "formality": "more"}).status_code == 400
    assert post({"text": ["x"], "target_lang": "DE", "glossary_id": "g"}).status_code == 400
    assert requests.get(f"{instant.url}/v2/nothing", headers=AUTH, timeout=10).status_code == 404
    assert "message" in post({"target_lang": "DE"}).json()
    # Refused requests are logged with their status; nothing was charged.
    assert instant.emulator.characters == {}
    assert {r.status for r in instant.app.log.records("translate")} == {400, 403, 413}


def test_glossary_entries_are_validated(instant: Any) -> None:
    def create(entries: str, kind: str = "tsv") -> requests.Response:
        body = {"name": "g", "source_lang": "en", "target_lang": "de", "entries": entries,
                "entries_format": kind}  # fmt: skip
        return requests.post(f"{instant.url}/v2/glossaries", json=body, headers=AUTH, timeout=10)

    assert create("a\tb\n").status_code == 201
    assert create("a,b\n", "csv").status_code == 201
    for bad in ("a\n", "a\tb\na\tc\n", "\t b\n", ""):
        assert create(bad).status_code == 400, bad
    unsupported = {"name": "g", "source_lang": "en", "target_lang": "ar", "entries": "a\tb\n"}
    answer = requests.post(
        f"{instant.url}/v2/glossaries", json=unsupported, headers=AUTH, timeout=10
    )
    assert answer.status_code == 400
