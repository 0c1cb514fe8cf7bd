"""Dictionary look-up: meanings, pronunciations, inflections, examples, synonyms."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from transhub.capabilities.base import (
    ClientT,
    Implementation,
    LanguageSupport,
    Model,
    SettingsT,
)
from transhub.capabilities.kinds import Capability


class Pronunciation(Model):
    """How the word is said in one variety (``uk``, ``us``, …)."""

    region: str
    phonetic: str = ""
    audio_url: str | None = None


class Meaning(Model):
    """The senses of the word for one part of speech."""

    part_of_speech: str
    definitions: tuple[str, ...]


class Inflection(Model):
    """One inflected form (``plural``, ``past``, …)."""

    kind: str
    form: str


class Example(Model):
    """An example sentence, its translation, and where it comes from."""

    text: str
    translation: str = ""
    source: str = ""


class CollinsEntry(Model):
    """One sense from the Collins dictionary, where the provider offers it."""

    part_of_speech: str = ""
    definition: str
    translation: str = ""
    examples: tuple[Example, ...] = ()


class DictionaryEntry(Model):
    """Everything known about one word."""

    word: str
    pronunciations: tuple[Pronunciation, ...] = ()
    meanings: tuple[Meaning, ...] = ()
    inflections: tuple[Inflection, ...] = ()
    examples: tuple[Example, ...] = ()
    synonyms: tuple[str, ...] = ()
    antonyms: tuple[str, ...] = ()
    collins: tuple[CollinsEntry, ...] = ()


class Dictionary(Implementation[SettingsT, ClientT]):
    """Looks words up.  Register with ``register_dictionaries``.

    :meth:`lookup` raises :class:`~transhub.errors.NotFoundError` for a word with no entry.
    """

    capability: ClassVar[Capability] = Capability.DICTIONARY
    languages: ClassVar[LanguageSupport]
    min_length: ClassVar[int] = 1
    max_length: ClassVar[int]

    @abstractmethod
    def lookup(self, word: str) -> DictionaryEntry:
        """Look ``word`` up (its length already checked)."""
