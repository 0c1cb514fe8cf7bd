"""A glossary's identity is the pair as DeepL keeps it (not regional: en-GB, en and
en-US share one "en" glossary), and terms DeepL refuses (control characters) are
refused before sending, by the core, and by the emulator on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from transhub.errors import EXIT_CODES
from transhub.testing import invoke


def _terms(tmp_path: Path, text: str = "Haus,house\nBaum,tree\n") -> Path:
    path = tmp_path / "terms.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_regional_targets_share_one_glossary(service: Any, tmp_path: Path) -> None:
    path = _terms(tmp_path)
    ids = set()
    for target in ("en-GB", "en", "en-US"):
        result = invoke(
            [*("glossary", "create", str(path), "--from", "de", "--to", target), "--json"]
        )
        assert result.exit_code == 0, result.stderr
        ids.add(json.loads(result.stdout)["glossary_id"])
    assert len(ids) == 1
    assert service.count("glossary.create") == 1


def test_a_translation_into_a_region_uses_the_language_glossary(
    service: Any, tmp_path: Path
) -> None:
    path = _terms(tmp_path)
    for target in ("en-GB", "en-US"):
        result = invoke(
            [*("text", "Haus", "--from", "de", "--to", target, "--glossary", str(path))]
        )
        assert result.exit_code == 0, result.stderr
    assert service.count("glossary.create") == 1


@pytest.mark.parametrize(
    ("char", "shown"),
    [("\x07", "U+0007"), ("\x85", "U+0085"), ("\u2028", "U+2028"), ("\u2029", "U+2029")],
)
def test_control_characters_in_terms_are_refused_before_sending(
    service: Any, tmp_path: Path, char: str, shown: str
) -> None:
    path = _terms(tmp_path, f"Haus,house\nBa{char}um,tree\n")
    result = invoke(
        ["glossary", "create", str(path), "--from", "de", "--to", "en", "--provider", "deepl"]
    )
    assert result.exit_code == EXIT_CODES["input"]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{path}: line 2: the source term holds the control character {shown}" in lines[0]
    assert service.count("glossary.create") == 0


def test_the_emulator_refuses_control_characters_as_deepl_does(service: Any) -> None:
    import requests

    from transhub_deepl.sandbox import TEST_AUTH_KEY

    answer = requests.post(
        f"{service.url}/v2/glossaries",
        json={
            "name": "x",
            "source_lang": "DE",
            "target_lang": "EN",
            "entries": "Ha\u2028us\thouse\n",
            "entries_format": "tsv",
        },
        headers={"Authorization": f"DeepL-Auth-Key {TEST_AUTH_KEY}"},
        timeout=10,
    )
    assert answer.status_code == 400
    assert "control character" in answer.text


def test_a_new_name_for_terms_already_kept_is_said_to_be_unused(
    service: Any, tmp_path: Path
) -> None:
    """--name names a glossary only when one is created: asked for on terms already
    kept under another name, the reuse says so (a note: text, or JSON under --json)."""
    path = _terms(tmp_path)
    first = invoke(["glossary", "create", str(path), "--from", "de", "--to", "en"])
    assert first.exit_code == 0, first.stderr
    renamed = invoke(
        ["glossary", "create", str(path), "--from", "de", "--to", "en", "--name", "mine"]
    )
    assert renamed.exit_code == 0, renamed.stderr
    assert "reused under that name, not 'mine'" in renamed.stderr
    quiet = invoke(["glossary", "create", str(path), "--from", "de", "--to", "en", "--json"])
    assert "reused under" not in quiet.stderr  # no --name: nothing to say
    noted = invoke(
        ["glossary", "create", str(path), "--from", "de", "--to", "en", "--name", "x", "--json"]
    )
    notes = [json.loads(line) for line in noted.stderr.splitlines() if line.startswith("{")]
    assert any(n.get("note", {}).get("code") == "reused" for n in notes), noted.stderr
    assert service.count("glossary.create") == 1


def test_planning_with_a_glossary_refuses_an_unusable_folder_before_creating_it(
    service: Any, tmp_path: Path
) -> None:
    """Planning creates the glossary at the provider: a result folder that cannot be
    made (under a file) is refused first, and nothing is created."""
    import transhub
    from transhub.errors import InputError

    document = tmp_path / "report.txt"
    document.write_text("Das Haus.\n", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    hub = transhub.Hub()
    with pytest.raises(InputError, match="cannot be created"):
        hub.prepare_document(
            document, "en", source="de", provider="deepl", glossary=_terms(tmp_path),
            output_dir=blocker / "out",
        )  # fmt: skip
    assert service.count("glossary.create") == 0
