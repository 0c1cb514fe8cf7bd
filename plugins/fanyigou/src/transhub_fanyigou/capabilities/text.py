"""Short-text translation and dictionary look-up."""

from __future__ import annotations

from typing import ClassVar

from transhub.capabilities.base import LanguageSupport
from transhub.capabilities.dictionary import Dictionary, DictionaryEntry
from transhub.capabilities.text import TextResult, TextTranslator
from transhub.errors import UnsupportedLanguageError

from transhub_fanyigou.capabilities.document import provider_code
from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.languages import CODES, DICTIONARY_CODES, TEXT_PAIRS
from transhub_fanyigou.limits import TEXT_MAX_CHARS, WORD_MAX_CHARS, WORD_MIN_CHARS
from transhub_fanyigou.provider import FANYIGOU
from transhub_fanyigou.settings import FanyigouSettings


class FanyigouText(TextTranslator[FanyigouSettings, FanyigouClient]):
    """Translates short texts: ``trans`` (only the directions the reference lists)."""

    provider = FANYIGOU
    languages: ClassVar[LanguageSupport] = LanguageSupport(
        codes={c: CODES[c] for pair in TEXT_PAIRS for c in pair},
        pairs=TEXT_PAIRS,
        auto_detect=False,
    )
    max_chars: ClassVar[int] = TEXT_MAX_CHARS

    def translate(self, text: str, target: str, source: str | None) -> TextResult:
        """Translate ``text`` from ``source`` (required: ``trans`` cannot detect)."""
        if source is None:
            raise UnsupportedLanguageError(
                "fanyigou cannot detect the source of a text: give --from"
            )
        result = self.client.trans(text, provider_code(target), provider_code(source))
        return TextResult(text=result, source=source, target=target)


class FanyigouDictionary(Dictionary[FanyigouSettings, FanyigouClient]):
    """Looks words up: ``dict/search`` (English and Chinese headwords)."""

    provider = FANYIGOU
    languages: ClassVar[LanguageSupport] = LanguageSupport(codes=DICTIONARY_CODES)
    min_length: ClassVar[int] = WORD_MIN_CHARS
    max_length: ClassVar[int] = WORD_MAX_CHARS

    def lookup(self, word: str) -> DictionaryEntry:
        """The entry of ``word``; :class:`~transhub.errors.NotFoundError` when none."""
        return self.client.dict_search(word)
