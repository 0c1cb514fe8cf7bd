"""The CC-CEDICT index: parsed from the file itself (repeated headwords kept), built
once, atomically, into the cache folder, and rebuilt for a new edition of the data."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from pathlib import Path

import pytest
from transhub.api import Hub
from transhub.errors import ConfigurationError

from transhub_local import cedict, engines

HEADER = """# CC-CEDICT
# License:
# Creative Commons Attribution-ShareAlike 4.0 International License
#! version=1
#! entries={entries}
#! date={date}
"""
BODY = """行 行 [hang2] /row/line/commercial firm/
行 行 [xing2] /to walk/to go/OK!/
翻譯 翻译 [fan1 yi4] /to translate/to interpret/translator/
訪問方式 访问方式 [fang3 wen4 fang1 shi4] /access method/
門徑 门径 [men2 jing4] /access/
this line is not an entry
"""


def write_edition(folder: Path, date: str, entries: int = 5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"cedict-{entries}.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER.format(entries=entries, date=date) + BODY)
    return path


def test_parse_keeps_every_line_of_a_headword(tmp_path: Path):
    source = write_edition(tmp_path, "2024-01-01T00:00:00Z")
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        entries = list(cedict.parse(handle))
    assert [e.pinyin for e in entries if e.simplified == "行"] == ["hang2", "xing2"]
    assert len(entries) == 5
    assert entries[2].senses == ("to translate", "to interpret", "translator")


def test_edition_from_the_header(tmp_path: Path):
    source = write_edition(tmp_path, "2024-01-01T00:00:00Z")
    assert cedict.read_edition(source) == cedict.Edition("2024-01-01T00:00:00Z", 5)


def test_built_once_then_reused(tmp_path: Path):
    source = write_edition(tmp_path / "data", "2024-01-01T00:00:00Z")
    cache = tmp_path / "cache"
    first = cedict.open_index(cache, source)
    built = first.path.stat().st_mtime_ns
    assert [e.pinyin for e in first.chinese("行")] == ["hang2", "xing2"]
    time.sleep(0.01)  # not synchronisation: lets a rebuild show in the mtime
    again = cedict.open_index(cache, source)
    assert again.path == first.path and again.path.stat().st_mtime_ns == built
    assert sorted(p.name for p in cache.iterdir()) == [first.path.name]  # no temporary left
    assert first.meta() == {
        "date": "2024-01-01T00:00:00Z",
        "entries": "5",
        "schema": str(cedict.SCHEMA),
    }


def test_a_new_edition_builds_a_new_index(tmp_path: Path):
    cache = tmp_path / "cache"
    old = cedict.open_index(cache, write_edition(tmp_path / "old", "2024-01-01T00:00:00Z"))
    new = cedict.open_index(cache, write_edition(tmp_path / "new", "2025-06-01T00:00:00Z", 6))
    assert old.path != new.path
    assert new.meta()["date"] == "2025-06-01T00:00:00Z"


def test_english_exact_then_whole_words(tmp_path: Path):
    index = cedict.open_index(tmp_path / "cache", write_edition(tmp_path, "2024-01-01"))
    exact, partial = index.english("Access", limit=10)
    assert [e.simplified for e in exact] == ["门径"]
    assert [e.simplified for e in partial] == ["访问方式"]
    assert index.english("acces", limit=10) == ([], [])  # whole words only
    assert index.english('"', limit=10) == ([], [])  # not an FTS5 syntax error
    exact, partial = index.english("access", limit=1)
    assert len(exact) == 1 and partial == []


def test_the_bundled_data_is_cc_cedict():
    edition = cedict.read_edition(cedict.data_file())
    assert edition.entries > 100_000
    assert edition.date[:4].isdigit()


def test_a_damaged_index_is_rebuilt(tmp_path: Path):
    source = write_edition(tmp_path / "data", "2024-01-01T00:00:00Z")
    cache = tmp_path / "cache"
    path = cedict.open_index(cache, source).path
    path.write_bytes(b"not an SQLite file" * 100)
    index = cedict.open_index(cache, source)
    assert [e.pinyin for e in index.chinese("行")] == ["hang2", "xing2"]


def test_concurrent_builds_leave_one_whole_index(tmp_path: Path):
    source = write_edition(tmp_path / "data", "2024-01-01T00:00:00Z")
    cache = tmp_path / "cache"
    script = (
        "import sys; from pathlib import Path; from transhub_local import cedict; "
        "i = cedict.open_index(Path(sys.argv[1]), Path(sys.argv[2])); "
        "print(len(i.chinese('行')))"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(cache), str(source)], stdout=subprocess.PIPE
        )
        for _ in range(4)
    ]
    outputs = [child.communicate(timeout=60)[0].strip() for child in children]
    assert [child.returncode for child in children] == [0, 0, 0, 0]
    assert outputs == [b"2"] * 4
    assert len(list(cache.iterdir())) == 1  # one index, no temporary file left


def test_an_unwritable_cache_is_a_configuration_error(tmp_path: Path, monkeypatch):
    # A file where the cache folder should be: unwritable even for root.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setattr(engines, "cache_folder", lambda: blocked / "local")
    with pytest.raises(ConfigurationError, match="cannot write the CC-CEDICT index in"):
        Hub().lookup_word("翻译", provider="local")
