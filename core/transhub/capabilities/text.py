"""Short text translation."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field

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
    #: The characters the provider billed, where it reports them (DeepL).
    billed_characters: int | None = None


class TextOptions(Model):
    """Provider-neutral text options; a provider honours those in
    :attr:`TextTranslator.options` (the router skips, or refuses, the others)."""

    formality: str | None = Field(
        default=None, description="more, less, prefer_more or prefer_less."
    )
    glossary_id: str | None = Field(default=None, description="A glossary the provider stores.")
    preserve_formatting: bool = Field(
        default=False, description="Keep punctuation and case as they are."
    )
    tag_handling: str | None = Field(
        default=None, description="Treat the text as xml or html: translate only its text."
    )


class TextTranslator(Implementation[SettingsT, ClientT]):
    """Translates short texts.  Register with ``register_text_translators``."""

    capability: ClassVar[Capability] = Capability.TEXT
    languages: ClassVar[LanguageSupport]
    #: The longest text accepted, in characters (spaces count).
    max_chars: ClassVar[int]
    #: Options from :class:`TextOptions` this provider honours.
    options: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def translate(self, text: str, target: str, source: str | None) -> TextResult:
        """Translate ``text`` (length and direction already checked)."""

    def translate_many(
        self,
        texts: Sequence[str],
        target: str,
        source: str | None,
        options: TextOptions | None = None,
    ) -> list[TextResult]:
        """Translate several texts, in order.  The default sends one request per text
        (and takes no options); a provider that batches overrides it."""
        if options is not None and options != TextOptions():
            raise NotImplementedError(f"{self.provider.name} takes no text options")
        return [self.translate(text, target, source) for text in texts]
