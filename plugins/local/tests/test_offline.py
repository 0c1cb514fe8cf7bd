"""The issue's "done when", as a user runs it: the installed ``transhub`` in its own
process, with the network cut off (a network namespace with no interface), reads the
known lines of a generated image exactly and looks words up in CC-CEDICT both ways."""

from __future__ import annotations

import json
from pathlib import Path


def test_ocr_reads_chinese_and_english_exactly_offline(offline, sample: Path, lines, transhub):
    result = transhub(["ocr", str(sample), "--provider", "local", "--json"], prefix=offline)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["lines"]
    assert tuple(line["text"] for line in found) == lines
    tops = [line["box"]["top"] for line in found]
    assert tops == sorted(tops)


def test_dictionary_both_ways_offline(offline, transhub):
    chinese = transhub(["dict", "翻译", "--provider", "local", "--json"], prefix=offline)
    assert chinese.returncode == 0, chinese.stderr
    entry = json.loads(chinese.stdout)
    assert entry["word"] == "翻译"
    assert entry["pronunciations"] == [
        {"region": "pinyin", "phonetic": "fan1 yi4", "audio_url": None}
    ]
    assert "to translate" in entry["meanings"][0]["definitions"]
    assert "CC-CEDICT" in entry["attribution"] and "CC BY-SA 4.0" in entry["attribution"]

    english = transhub(
        ["dict", "access", "--provider", "local", "--from", "en", "--to", "zh"], prefix=offline
    )
    assert english.returncode == 0, english.stderr
    shown = english.stdout.splitlines()
    assert shown[0] == "access"
    assert shown[1].startswith("  准入 [zhun3 ru4] access")  # an exact sense comes first
    assert "CC-CEDICT" in shown[-1]
