"""Short text translation."""

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


class TextResult(Model):
    """A translated text, and the source language when the provider detected it."""

    text: str
    source: str | None = None
    target: str


class TextTranslator(Implementation[SettingsT, ClientT]):
    """Translates short texts.  Register with ``register_text_translators``."""

    capability: ClassVar[Capability] = Capability.TEXT
    languages: ClassVar[LanguageSupport]
    #: The longest text accepted, in characters (spaces count).
    max_chars: ClassVar[int]

    @abstractmethod
    def translate(self, text: str, target: str, source: str | None) -> TextResult:
        """Translate ``text`` (length and direction already checked)."""
