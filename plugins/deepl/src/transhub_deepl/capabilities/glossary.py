"""Glossaries: ``/v2/glossaries`` (one language pair each).

v2 is used rather than v3's multilingual glossaries: a transhub glossary is one file
of term pairs for one direction, which is exactly a v2 glossary, and the glossary
ids of both versions are accepted by ``/v2/translate`` and ``/v2/document``.
"""

from __future__ import annotations

import builtins
import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from transhub.capabilities.base import LanguageSupport
from transhub.capabilities.glossary import GlossaryInfo, GlossaryStore, Term
from transhub.errors import NotFoundError, ResponseFormatError

from transhub_deepl import languages
from transhub_deepl.client import DeepLClient
from transhub_deepl.provider import DEEPL
from transhub_deepl.settings import DeepLSettings

#: Target variants a glossary of their language serves (DeepL: "not regional").
VARIANTS = {"en": ("en-GB", "en-US"), "pt": ("pt-BR", "pt-PT")}


def _pairs() -> frozenset[tuple[str, str]]:
    base = languages.glossary_pairs()
    pairs = set(base)
    for source, target in base:
        for variant in VARIANTS.get(target, ()):
            pairs.add((source, variant))
    return frozenset(pairs)


PAIRS = _pairs()
GLOSSARY_LANGUAGES = LanguageSupport(
    codes={c: languages.source_code(c) for pair in PAIRS for c in pair},
    pairs=PAIRS,
    auto_detect=False,
)


def to_tsv(terms: Sequence[Term]) -> str:
    """Entries in DeepL's TSV format (one ``source<TAB>target`` per line)."""
    return "".join(f"{source}\t{target}\n" for source, target in terms)


def from_tsv(text: str) -> list[Term]:
    """Entries from DeepL's TSV answer."""
    rows = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(row[0], row[1]) for row in rows if len(row) >= 2]


def info(data: dict[str, Any]) -> GlossaryInfo:
    """A glossary answer as transhub's model."""
    try:
        return GlossaryInfo(
            glossary_id=str(data["glossary_id"]),
            name=str(data.get("name", "")),
            source=languages.canonical(str(data["source_lang"])),
            target=languages.canonical(str(data["target_lang"])),
            entries=int(data.get("entry_count", 0)),
            ready=bool(data.get("ready", True)),
            created=str(data["creation_time"]) if data.get("creation_time") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ResponseFormatError(
            f"deepl: a glossary answer lacks {exc}", provider="deepl"
        ) from None


@contextmanager
def _named(glossary_id: str) -> Iterator[None]:
    """A 404 inside the block is "no glossary ID" (DeepL says only "not found")."""
    try:
        yield
    except NotFoundError:
        raise NotFoundError(
            f"deepl: no glossary {glossary_id}", provider="deepl", code=404
        ) from None


class DeepLGlossaries(GlossaryStore[DeepLSettings, DeepLClient]):
    """Creates, lists, shows and deletes DeepL glossaries."""

    provider = DEEPL
    languages: ClassVar[LanguageSupport] = GLOSSARY_LANGUAGES
    max_term_bytes: ClassVar[int] = 1024
    max_bytes: ClassVar[int] = 10 * 1024 * 1024

    def create(self, name: str, source: str, target: str, terms: Sequence[Term]) -> GlossaryInfo:
        """``POST /v2/glossaries`` (languages sent without variant: ``EN``, ``PT``)."""
        return info(
            self.client.create_glossary(
                name, languages.source_code(source), languages.source_code(target), to_tsv(terms)
            )
        )

    def list(self) -> list[GlossaryInfo]:
        """``GET /v2/glossaries``."""
        return [info(g) for g in self.client.list_glossaries()]

    def get(self, glossary_id: str) -> GlossaryInfo:
        """``GET /v2/glossaries/{id}``."""
        with _named(glossary_id):
            return info(self.client.get_glossary(glossary_id))

    def entries(self, glossary_id: str) -> builtins.list[Term]:
        """``GET /v2/glossaries/{id}/entries`` (TSV)."""
        with _named(glossary_id):
            return from_tsv(self.client.glossary_entries(glossary_id))

    def delete(self, glossary_id: str) -> None:
        """``DELETE /v2/glossaries/{id}``."""
        with _named(glossary_id):
            self.client.delete_glossary(glossary_id)
