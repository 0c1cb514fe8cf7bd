"""DeepL's languages in transhub's canonical codes, and the on-disk cache of
``/v2/languages``.

DeepL names sources by language (``EN``, ``PT``, ``ZH``) and targets by variant where
it has them (``EN-GB``/``EN-US``, ``PT-PT``/``PT-BR``, ``ZH-HANS``/``ZH-HANT``,
``ES-419``).  Canonically, the variants are ``en-GB``, ``en-US``, ``pt-PT``, ``pt-BR``,
``es-419`` and ``zh-Hant``; a plain target ``en`` is sent as ``EN-US``, ``pt`` as
``PT-PT`` and ``zh`` as ``ZH-HANS`` (DeepL refuses ``EN`` and ``PT`` as targets).  A
variant given as a source is sent as its language (``en-GB`` → ``EN``).

The published lists below are what the plugin declares until ``transhub languages
--refresh`` has fetched the account's own lists; that answer is cached in the data
folder for :data:`CACHE_SECONDS` and then ignored again (a stale list is worse than
the published one).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.capabilities.base import LanguageSupport

if TYPE_CHECKING:
    from transhub_deepl.client import DeepLClient

#: DeepL's published source languages (``/v2/languages?type=source``).
SOURCES = (
    "AR", "BG", "CS", "DA", "DE", "EL", "EN", "ES", "ET", "FI", "FR", "HE", "HU", "ID",
    "IT", "JA", "KO", "LT", "LV", "NB", "NL", "PL", "PT", "RO", "RU", "SK", "SL", "SV",
    "TH", "TR", "UK", "VI", "ZH",
)  # fmt: skip
#: DeepL's published target languages (``/v2/languages?type=target``).
TARGETS = (
    "AR", "BG", "CS", "DA", "DE", "EL", "EN-GB", "EN-US", "ES", "ES-419", "ET", "FI",
    "FR", "HE", "HU", "ID", "IT", "JA", "KO", "LT", "LV", "NB", "NL", "PL", "PT-BR",
    "PT-PT", "RO", "RU", "SK", "SL", "SV", "TH", "TR", "UK", "VI", "ZH-HANS", "ZH-HANT",
)  # fmt: skip
#: Targets that take ``formality`` (``more``/``less``; ``prefer_*`` works everywhere).
FORMALITY = frozenset({"DE", "ES", "ES-419", "FR", "IT", "JA", "NL", "PL", "PT-BR", "PT-PT", "RU"})
#: Languages a glossary may pair (any two different ones), from the glossary reference.
GLOSSARY_LANGUAGES = (
    "DA", "DE", "EN", "ES", "FR", "IT", "JA", "KO", "NB", "NL", "PL", "PT", "RU", "SV", "ZH",
)  # fmt: skip

#: DeepL codes whose canonical code is not simply the lower-cased code.
_SPECIAL = {
    "NB": "no",
    "ZH-HANS": "zh",
    "ZH-HANT": "zh-Hant",
    "EN-GB": "en-GB",
    "EN-US": "en-US",
    "PT-BR": "pt-BR",
    "PT-PT": "pt-PT",
    "ES-419": "es-419",
}
#: The target sent for a canonical language that DeepL only offers as variants.
DEFAULT_TARGETS = {"en": "EN-US", "pt": "PT-PT", "zh": "ZH-HANS"}

CACHE_SECONDS = 7 * 24 * 3600.0
CACHE_FILE = "languages.json"


def canonical(own: str) -> str:
    """The canonical code for one of DeepL's codes."""
    upper = own.upper()
    return _SPECIAL.get(upper, upper.lower())


def source_code(canonical_code: str) -> str:
    """The DeepL source code for a canonical code (variants become their language)."""
    if canonical_code == "no":
        return "NB"
    return canonical_code.split("-", maxsplit=1)[0].upper()


def target_code(canonical_code: str, targets: Iterable[str] = TARGETS) -> str:
    """The DeepL target code for a canonical code."""
    offered = list(targets)
    default = DEFAULT_TARGETS.get(canonical_code)
    if default is not None and default in offered:
        return default
    by_canonical = {canonical(t): t for t in offered}
    return by_canonical.get(canonical_code, canonical_code.upper())


def support(sources: Iterable[str], targets: Iterable[str]) -> LanguageSupport:
    """The declaration for DeepL's own source and target codes."""
    source_set = {canonical(s) for s in sources}
    target_set = {canonical(t) for t in targets}
    # A plain language is a target when DeepL offers one of its variants.
    target_set |= {base for base, own in DEFAULT_TARGETS.items() if own in set(targets)}
    # Variants are accepted as sources: they are sent as their language.
    source_set |= {t for t in target_set if t.split("-")[0] in source_set}
    codes = {
        c: target_code(c, targets) if c in target_set else source_code(c)
        for c in source_set | target_set
    }
    return LanguageSupport(
        codes=codes,
        sources=frozenset(source_set),
        targets=frozenset(target_set),
        auto_detect=True,
    )


def glossary_pairs(languages: Iterable[str] = GLOSSARY_LANGUAGES) -> frozenset[tuple[str, str]]:
    """Every ordered pair of two different glossary languages, canonically."""
    codes = [canonical(c) for c in languages]
    return frozenset((s, t) for s in codes for t in codes if s != t)


PUBLISHED = support(SOURCES, TARGETS)


class LanguageCache:
    """The account's language lists as ``/v2/languages`` gave them, in a JSON file
    in the data folder.  Thread-safe; the file is replaced atomically."""

    def __init__(self, folder: Path, lifetime: float = CACHE_SECONDS) -> None:
        self.path = folder / CACHE_FILE
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._loaded: tuple[float, dict[str, Any]] | None = None

    def read(self) -> dict[str, Any] | None:
        """The cached lists, or ``None`` when absent, unreadable or older than the lifetime."""
        try:
            stamp = self.path.stat().st_mtime
        except OSError:
            return None
        if time.time() - stamp > self.lifetime:
            return None
        with self._lock:
            if self._loaded is not None and self._loaded[0] == stamp:
                return self._loaded[1]
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            if not isinstance(data, dict) or not {"source", "target"} <= set(data):
                return None
            self._loaded = (stamp, data)
            return data

    def write(
        self, source: Sequence[Mapping[str, Any]], target: Sequence[Mapping[str, Any]]
    ) -> None:
        """Record freshly fetched lists."""
        from transhub.files import atomic_write_bytes

        payload = {"fetched_at": time.time(), "source": list(source), "target": list(target)}
        atomic_write_bytes(
            self.path, json.dumps(payload, ensure_ascii=False).encode("utf-8"), overwrite=True
        )


_CACHES: dict[Path, LanguageCache] = {}
_CACHES_LOCK = threading.Lock()


def default_cache() -> LanguageCache:
    """The cache in this process's data folder (``TRANSHUB_HOME`` aware); one object
    per folder, so a file already read is not parsed again until it changes."""
    from transhub.paths import data_dir

    folder = data_dir() / "deepl"
    with _CACHES_LOCK:
        return _CACHES.setdefault(folder, LanguageCache(folder))


def current() -> tuple[LanguageSupport, frozenset[str]]:
    """The languages to declare and the targets that take formality: the cached
    account lists when fresh, else the published ones."""
    data = default_cache().read()
    if data is None:
        return PUBLISHED, FORMALITY
    sources = [str(item["language"]) for item in data["source"] if "language" in item]
    targets = [str(item["language"]) for item in data["target"] if "language" in item]
    formal = frozenset(
        str(item["language"]).upper() for item in data["target"] if item.get("supports_formality")
    )
    return support(sources, targets), formal


class Languages:
    """A class attribute that reads :func:`current` when it is read (so a refresh in
    this process is seen at once, and nothing is read at import)."""

    def __get__(self, instance: object, owner: type | None = None) -> LanguageSupport:
        return current()[0]


def refresh(client: DeepLClient) -> bool:
    """Fetch ``/v2/languages`` (source and target) into the cache."""
    default_cache().write(client.languages("source"), client.languages("target"))
    return True
