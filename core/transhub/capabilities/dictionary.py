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
    #: Where the entry's data comes from and under which licence, when its licence asks
    #: to be named (the dictionary's :attr:`Dictionary.attribution`).
    attribution: str = ""


class Dictionary(Implementation[SettingsT, ClientT]):
    """Looks words up.  Register with ``register_dictionaries``.

    :meth:`lookup` raises :class:`~transhub.errors.NotFoundError` for a word with no entry.
    A dictionary whose data's licence asks to be named says so in :attr:`attribution`:
    ``dict --help`` shows it and every entry carries it.
    """

    capability: ClassVar[Capability] = Capability.DICTIONARY
    languages: ClassVar[LanguageSupport]
    min_length: ClassVar[int] = 1
    max_length: ClassVar[int]
    #: The data's source and licence, where they must be shown ("" when not).
    attribution: ClassVar[str] = ""

    @abstractmethod
    def lookup(self, word: str) -> DictionaryEntry:
        """Look ``word`` up (its length already checked)."""

    def lookup_in(self, word: str, source: str | None, target: str | None) -> DictionaryEntry:
        """Look ``word`` up from ``source`` into ``target`` (``--from``/``--to``, already
        checked against :attr:`languages`; ``None`` when not given).  Dictionaries whose
        entries do not depend on the direction keep this default: :meth:`lookup`."""
        return self.lookup(word)
