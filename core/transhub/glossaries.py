"""Glossary files, and the provider glossaries created from them — each once.

A glossary file is a CSV (``.csv``) or TSV (``.tsv``, ``.tab``, ``.txt``) of term
pairs, one ``source term,target term`` per line, read with the :mod:`csv` module
(quote a term that holds the delimiter).  It is validated before anything is sent:
every line must hold exactly two non-empty terms, no source term may repeat, and
each term must fit the provider's limit; an error names the file and the line.

:func:`ensure_glossary` gives the provider's glossary id for a file and a language
pair.  The glossaries it created are recorded by *content* (a SHA-256 of the pair
and the terms) in ``glossaries.db`` in the data folder — its own SQLite table, kept
apart from the job journal — so the same terms are never created twice: not on a
rerun, not by two processes at once (the record is checked and written in one
``BEGIN IMMEDIATE`` transaction around the provider call), and not after a crash
between the provider's answer and the record (a glossary named after the content
hash is adopted instead of created again).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transhub import languages as lang
from transhub.capabilities.kinds import Capability
from transhub.errors import InputError, LimitExceededError, NotFoundError, UnsupportedLanguageError
from transhub.router import Need

if TYPE_CHECKING:
    from transhub.capabilities.base import LanguageSupport
    from transhub.capabilities.glossary import GlossaryInfo, GlossaryStore, Term
    from transhub.pool import ProviderPool as Hub  # what these functions need of a hub

TSV_EXTENSIONS = frozenset({"tsv", "tab", "txt"})
CSV_EXTENSIONS = frozenset({"csv"})
BOOK_FILE = "glossaries.db"
NAME_PREFIX = "transhub-"


@dataclass(frozen=True)
class GlossaryFile:
    """A validated glossary file: its terms, and the line each came from."""

    path: Path
    terms: tuple[Term, ...]
    lines: tuple[int, ...]

    def digest(self, source: str, target: str) -> str:
        """The content hash that identifies this glossary for a language pair."""
        material = json.dumps([source, target, [list(t) for t in self.terms]], ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def tsv_bytes(self) -> int:
        """The size of the terms as tab-separated lines (how providers measure it)."""
        return sum(len(f"{s}\t{t}\n".encode()) for s, t in self.terms)


def read_glossary(path: str | Path) -> GlossaryFile:
    """Read and validate a CSV/TSV glossary file (see the module docstring)."""
    from transhub.validation import check_readable_file

    path = Path(path)
    check_readable_file(path)
    extension = path.suffix.lower().lstrip(".")
    if extension not in TSV_EXTENSIONS | CSV_EXTENSIONS:
        raise InputError(
            f"a glossary must be a .csv or .tsv file of term pairs, not .{extension or '?'}",
            path=path,
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(f"line {line}: not UTF-8 text", path=path) from None
    delimiter = "\t" if extension in TSV_EXTENSIONS else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    terms: list[Term] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            terms.append(_pair(path, number, row, delimiter, seen))
            lines.append(number)
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: {exc}", path=path) from None
    if not terms:
        raise InputError("holds no term pairs", path=path)
    return GlossaryFile(path=path, terms=tuple(terms), lines=tuple(lines))


def _pair(path: Path, number: int, row: list[str], delimiter: str, seen: dict[str, int]) -> Term:
    shown = "tab" if delimiter == "\t" else "comma"
    if len(row) != 2:
        raise InputError(
            f"line {number}: expected 2 {shown}-separated terms (source, target), found {len(row)}",
            path=path,
        )
    source, target = row[0].strip(), row[1].strip()
    for which, term in (("source", source), ("target", target)):
        if not term:
            raise InputError(f"line {number}: the {which} term is empty", path=path)
        if any(c in term for c in "\t\r\n"):
            raise InputError(
                f"line {number}: the {which} term holds a tab or a line break", path=path
            )
        bad = next((c for c in term if _is_control(c)), None)
        if bad is not None:
            raise InputError(
                f"line {number}: the {which} term holds the control character U+{ord(bad):04X}; "
                "glossary terms take none (C0, C1, U+2028, U+2029)",
                path=path,
            )
    if source in seen:
        raise InputError(
            f"line {number}: the source term {source!r} is already on line {seen[source]}",
            path=path,
        )
    seen[source] = number
    return source, target


def _is_control(char: str) -> bool:
    """What DeepL (and its official client's ``validate_glossary_term``) refuses in
    a term: C0 and C1 control characters and the line and paragraph separators."""
    code = ord(char)
    return code <= 0x1F or 0x80 <= code <= 0x9F or char in "\u2028\u2029"


def check_for(store: type[GlossaryStore[Any, Any]], glossary: GlossaryFile) -> None:
    """Refuse terms and sizes past the store's declared limits (nothing is sent)."""
    name = store.provider.name
    for (source, target), number in zip(glossary.terms, glossary.lines, strict=True):
        for which, term in (("source", source), ("target", target)):
            size = len(term.encode("utf-8"))
            if size > store.max_term_bytes:
                raise LimitExceededError(
                    f"line {number}: the {which} term takes {size} bytes; {name} takes "
                    f"{store.max_term_bytes} bytes per term",
                    path=glossary.path,
                )
    total = glossary.tsv_bytes()
    if total > store.max_bytes:
        raise LimitExceededError(
            f"{total} bytes of terms; {name} takes {store.max_bytes} bytes per glossary",
            path=glossary.path,
        )


@dataclass(frozen=True)
class Recorded:
    """A glossary transhub created, as the book remembers it."""

    provider: str
    digest: str
    glossary_id: str
    source: str
    target: str
    created_at: float


class GlossaryBook:
    """The record of created glossaries: one SQLite table in the data folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            path, timeout=60.0, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS glossaries ("
            " provider TEXT NOT NULL, digest TEXT NOT NULL, glossary_id TEXT NOT NULL,"
            " source TEXT NOT NULL, target TEXT NOT NULL, created_at REAL NOT NULL,"
            " PRIMARY KEY (provider, digest))"
        )

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time, across threads and processes."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def find(self, provider: str, digest: str) -> Recorded | None:
        """The glossary recorded for this content, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT provider, digest, glossary_id, source, target, created_at"
                " FROM glossaries WHERE provider = ? AND digest = ?",
                (provider, digest),
            ).fetchone()
        return Recorded(*row) if row else None

    def record(self, entry: Recorded) -> None:
        """Remember a created (or adopted) glossary."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO glossaries VALUES (?, ?, ?, ?, ?, ?)",
                (
                    entry.provider,
                    entry.digest,
                    entry.glossary_id,
                    entry.source,
                    entry.target,
                    entry.created_at,
                ),
            )

    def forget(self, provider: str, glossary_id: str) -> None:
        """Forget a glossary that was deleted."""
        with self._lock:
            self._db.execute(
                "DELETE FROM glossaries WHERE provider = ? AND glossary_id = ?",
                (provider, glossary_id),
            )


def open_book(data_dir: Path | None = None) -> GlossaryBook:
    """The book in transhub's data folder."""
    from transhub import paths

    return GlossaryBook((data_dir or paths.data_dir()) / BOOK_FILE)


def route_store(
    hub: Hub, provider: str | None, source: str | None = None, target: str | None = None
) -> type[GlossaryStore[Any, Any]]:
    """The glossary store of ``provider`` (or the one configured store that takes
    the pair), refused with a clear error when the provider stores none."""
    need = None
    if source is not None and target is not None:
        need = Need(
            f"store a {source} → {target} glossary",
            lambda c: None if (source, target) in c.languages.pairs else f"no {source} → {target}",
        )
    return cast(
        "type[GlossaryStore[Any, Any]]",
        hub.route(Capability.GLOSSARY, provider=provider, need=need),
    )


def languages_for(hub: Hub, provider: str | None, source: str, target: str) -> tuple[str, str]:
    """Canonical codes for a glossary's languages (the providers' own codes allowed)."""
    own: list[tuple[str, str]] = []
    for cls in hub.registry.implementations(Capability.GLOSSARY):
        if provider is None or cls.provider.name == provider:
            support: LanguageSupport = getattr(cls, "languages")  # noqa: B009 - a store's
            own.extend(support.codes.items())
    found = lang.source_language(source, own)
    if found is None:
        raise UnsupportedLanguageError("a glossary needs its source language: pass --from LANG")
    return found, lang.target_language(target, own)


def create_glossary(
    hub: Hub,
    provider: str | None,
    path: str | Path | GlossaryFile,
    source: str,
    target: str,
    *,
    name: str | None = None,
) -> tuple[GlossaryInfo, bool]:
    """The provider's glossary for a file and a pair, created only when no glossary
    of the same content exists; returns it and whether it was reused.  ``path``: the
    file, or the file already read (then its terms are the ones created)."""
    glossary = path if isinstance(path, GlossaryFile) else read_glossary(path)
    src, dst = languages_for(hub, provider, source, target)
    cls = route_store(hub, provider, src, dst)
    pairs = cls.languages.pairs or frozenset()
    if (src, dst) not in pairs:
        raise UnsupportedLanguageError(
            f"{cls.provider.name} keeps no {src} → {dst} glossaries "
            f"(see `transhub languages --capability glossary --provider {cls.provider.name}`)"
        )
    check_for(cls, glossary)
    store = hub.instance(cls)
    # The pair as the provider keeps it (DeepL: en-GB, en and en-US are one "en"
    # glossary): one identity, so a regional target reuses the glossary, not a copy.
    src, dst = stored_pair(cls, src, dst)
    digest = glossary.digest(src, dst)
    wanted = name or f"{NAME_PREFIX}{digest[:16]}"
    book = open_book()
    try:
        with book.transaction():
            found = _existing(store, book, cls.provider.name, digest, src, dst, wanted, glossary)
            if found is not None:
                return found, True
            info = store.create(wanted, src, dst, glossary.terms)
            book.record(
                Recorded(cls.provider.name, digest, info.glossary_id, src, dst, time.time())
            )
            return info, False
    finally:
        book.close()


def _existing(
    store: GlossaryStore[Any, Any],
    book: GlossaryBook,
    provider: str,
    digest: str,
    source: str,
    target: str,
    name: str,
    glossary: GlossaryFile,
) -> GlossaryInfo | None:
    """A glossary of this content the provider still has: recorded, or left by a run
    that crashed before recording it (same name, pair and terms)."""
    recorded = book.find(provider, digest)
    if recorded is not None:
        try:
            return store.get(recorded.glossary_id)
        except NotFoundError:
            book.forget(provider, recorded.glossary_id)  # deleted elsewhere: create anew
    pair = (source, target)
    for info in store.list():
        if (info.name, info.entries) != (name, len(glossary.terms)):
            continue
        if stored_pair(type(store), info.source, info.target) != pair:
            continue
        if tuple(store.entries(info.glossary_id)) == glossary.terms:
            book.record(Recorded(provider, digest, info.glossary_id, source, target, time.time()))
            return info
    return None


def stored_pair(store: type[GlossaryStore[Any, Any]], source: str, target: str) -> tuple[str, str]:
    """``source`` and ``target`` as ``store`` keeps them: each code replaced by the
    shortest canonical code (ties: the first in order) the provider gives the same
    code of its own (``en-GB`` → ``en`` where the store sends both as ``EN``)."""
    codes = store.languages.codes

    def kept(code: str) -> str:
        own = codes.get(code)
        if own is None:
            return code
        return min((c for c, o in codes.items() if o == own), key=lambda c: (len(c), c))

    return kept(source), kept(target)


def ensure_glossary(
    hub: Hub, provider: str | None, path: str | Path | GlossaryFile, source: str, target: str
) -> str:
    """The id of ``provider``'s (``None``: the one configured store that keeps the
    pair) glossary for the file at ``path`` and the pair
    ``source`` → ``target`` (canonical codes or aliases), created at most once for
    the same content.  What a translation with ``--glossary FILE`` puts in its
    ``glossary_id`` option (and the content digest, :meth:`GlossaryFile.digest`, is
    what its reuse fingerprint should include)."""
    info, _reused = create_glossary(hub, provider, path, source, target)
    return info.glossary_id


def delete_glossary(hub: Hub, provider: str | None, glossary_id: str) -> None:
    """Delete a glossary at the provider and forget it."""
    cls = route_store(hub, provider)
    hub.instance(cls).delete(glossary_id)
    with _RUN_LOCK:
        known = _RUN_CACHE.get(hub, {})
        for key in [k for k, v in known.items() if v == glossary_id]:
            del known[key]
    book = open_book()
    try:
        book.forget(cls.provider.name, glossary_id)
    finally:
        book.close()


def _store_of(hub: Hub, provider: str) -> type[GlossaryStore[Any, Any]] | None:
    for cls in hub.registry.implementations(Capability.GLOSSARY):
        if cls.provider.name == provider:
            return cast("type[GlossaryStore[Any, Any]]", cls)
    return None


def glossary_fit(hub: Hub, cls: Any, source: str | None, target: str) -> str | None:
    """``None`` when ``cls`` (a translator whose options include ``glossary_id``) can
    apply a glossary for ``source`` → ``target`` that its provider stores, else why not
    (the router skips it; named with ``--provider`` it is refused)."""
    name = cls.provider.name
    store = _store_of(hub, name)
    if "glossary_id" not in getattr(cls, "options", frozenset()) or store is None:
        return "takes no glossaries"
    if source is not None and (source, target) not in (store.languages.pairs or frozenset()):
        return f"keeps no {source} → {target} glossaries"
    return None


def need_source(glossary: GlossaryFile, source: str | None) -> None:
    """Refuse a glossary without a source language (a glossary is for one pair)."""
    if source is None:
        raise InputError(
            "a glossary is for one language pair: pass --from LANG", path=glossary.path
        )


#: Per run (per :class:`~transhub.api.Hub`): (provider, content digest) → glossary id.
_RUN_CACHE: weakref.WeakKeyDictionary[Hub, dict[tuple[str, str], str]] = weakref.WeakKeyDictionary()
_RUN_LOCK = threading.Lock()


def glossary_for(
    hub: Hub, cls: Any, glossary: GlossaryFile, source: str, target: str
) -> tuple[str, str]:
    """The id of ``cls``'s provider's glossary for the file (created once per content,
    see :func:`ensure_glossary`) and its content digest — what a translation with
    ``--glossary`` sends and fingerprints.  Refused, nothing sent, when the provider
    takes no glossaries or not for this pair."""
    name = cls.provider.name
    reason = glossary_fit(hub, cls, source, target)
    if reason is not None:
        others = sorted(
            c.provider.name
            for c in hub.registry.implementations(cls.capability)
            if c is not cls and glossary_fit(hub, c, source, target) is None
        )
        also = f"; providers that do: {', '.join(others)}" if others else ""
        raise InputError(f"--glossary: {name} {reason}{also}", path=glossary.path)
    store = _store_of(hub, name)
    assert store is not None
    check_for(store, glossary)
    # The terms read once: the digest is of exactly what the provider receives (the
    # pair as it keeps it: a regional target shares its language's glossary).
    digest = glossary.digest(*stored_pair(store, source, target))
    with _RUN_LOCK:
        known = _RUN_CACHE.setdefault(hub, {})
        # Looked up (or created) once per run: a batch of N documents with one
        # --glossary asks the provider once, not N times.
        glossary_id = known.get((name, digest))
        if glossary_id is None:
            glossary_id = ensure_glossary(hub, name, glossary, source, target)
            known[(name, digest)] = glossary_id
    return glossary_id, digest
