"""The local provider's capabilities: OCR (RapidOCR) and the CC-CEDICT dictionary.
Text translation through Apertium is in :mod:`transhub_local.text`."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from transhub.capabilities.base import FileLimits, LanguageSupport
from transhub.capabilities.dictionary import (
    Dictionary,
    DictionaryEntry,
    Inflection,
    Meaning,
    Pronunciation,
)
from transhub.capabilities.ocr import Box, OcrEngine, OcrLine, OcrResult
from transhub.errors import NotFoundError

from transhub_local import cedict
from transhub_local.engines import Engines
from transhub_local.provider import LOCAL
from transhub_local.settings import LocalSettings

MB = 1024 * 1024

#: The formats rapidocr's loader reads, checked by the core before the engine starts.
OCR_LIMITS = FileLimits(
    extensions=frozenset({"png", "jpg", "jpeg", "bmp", "webp", "tif", "tiff"}),
    max_bytes=20 * MB,
    min_pixels=8,
    # Larger sides are scaled down to 2000 px by rapidocr; this bounds the decoded
    # image's memory (9,000² RGB is 243 MB) and keeps an accepted image under PIL's
    # decompression-bomb guard (89.5 million pixels), which rapidocr's loader would
    # otherwise answer with a Python warning.
    max_pixels=9_000,
)

#: The languages of the bundled PP-OCRv6 multilingual models (rapidocr's list), in
#: transhub's canonical codes.
OCR_LANGUAGES = (
    "zh", "zh-Hant", "en", "ja", "af", "az", "bs", "ca", "cs", "cy", "da", "de", "es",
    "et", "eu", "fi", "fr", "ga", "gl", "hr", "hu", "id", "is", "it", "ku", "la", "lb",
    "lt", "lv", "mi", "ms", "mt", "nl", "no", "pl", "pt", "ro", "sk", "sl", "sq", "sv",
    "sw", "tl", "tr", "uz", "vi",
)  # fmt: skip


class LocalOcr(OcrEngine[LocalSettings, Engines]):
    """Reads the text of an image with RapidOCR's bundled PP-OCR models."""

    provider = LOCAL
    languages: ClassVar[LanguageSupport] = LanguageSupport(
        codes={code: code for code in OCR_LANGUAGES}
    )
    limits: ClassVar[FileLimits] = OCR_LIMITS

    def recognize(self, path: Path, language: str | None) -> OcrResult:
        """Every line found, top to bottom, with its bounding box.  The models read all
        their languages at once, so ``language`` only has to be one of them."""
        lines = []
        for line in self.client.recognizer().read(path):
            xs = [x for x, _ in line.corners] or [0.0]
            ys = [y for _, y in line.corners] or [0.0]
            left, top = round(min(xs)), round(min(ys))
            box = Box(
                left=left,
                top=top,
                width=round(max(xs)) - left,
                height=round(max(ys)) - top,
            )
            lines.append(OcrLine(text=line.text, box=box))
        return OcrResult(lines=tuple(lines))


_CHINESE = ("zh", "zh-Hant")


def _is_chinese(word: str) -> bool:
    """Whether ``word`` has a CJK ideograph (then it is looked up as a headword)."""
    return any(
        "\u3400" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\U00020000" <= ch <= "\U0003134f"
        for ch in word
    )


def _headword(entry: cedict.Entry, traditional_first: bool) -> str:
    first, other = (
        (entry.traditional, entry.simplified)
        if traditional_first
        else (entry.simplified, entry.traditional)
    )
    shown = first if first == other else f"{first} ({other})"
    return f"{shown} [{entry.pinyin}]"


class LocalDictionary(Dictionary[LocalSettings, Engines]):
    """CC-CEDICT: Chinese → English by headword (simplified or traditional), English →
    Chinese by the definitions (exact senses first, then whole-word matches)."""

    provider = LOCAL
    languages: ClassVar[LanguageSupport] = LanguageSupport(
        codes={"zh": "zh", "zh-Hant": "zh-Hant", "en": "en"},
        pairs=frozenset({("zh", "en"), ("zh-Hant", "en"), ("en", "zh"), ("en", "zh-Hant")}),
    )
    min_length: ClassVar[int] = 1
    max_length: ClassVar[int] = 64
    attribution: ClassVar[str] = cedict.ATTRIBUTION

    def lookup(self, word: str) -> DictionaryEntry:
        """``word`` in the direction its script says (Chinese characters: → English)."""
        return self.lookup_in(word, None, None)

    def lookup_in(self, word: str, source: str | None, target: str | None) -> DictionaryEntry:
        """``word`` from ``source`` into ``target``; each meaning is one CC-CEDICT entry
        (CC-CEDICT has no parts of speech: the label is the headword and its pinyin)."""
        if source is None:
            source = "en" if target in _CHINESE else "zh" if target == "en" else None
        if source is None:
            source = "zh" if _is_chinese(word) else "en"
        if source in _CHINESE:
            return self._chinese(word, traditional_first=source == "zh-Hant")
        return self._english(word, traditional_first=target == "zh-Hant")

    def _chinese(self, word: str, *, traditional_first: bool) -> DictionaryEntry:
        entries = self.client.dictionary().chinese(word)
        if not entries:
            raise NotFoundError(f"{word!r} is not a CC-CEDICT headword", provider="local")
        readings = dict.fromkeys(e.pinyin for e in entries)
        forms = {("traditional", e.traditional) for e in entries if e.traditional != word} | {
            ("simplified", e.simplified) for e in entries if e.simplified != word
        }
        return DictionaryEntry(
            word=word,
            pronunciations=tuple(Pronunciation(region="pinyin", phonetic=p) for p in readings),
            meanings=tuple(
                Meaning(part_of_speech=_headword(e, traditional_first), definitions=e.senses)
                for e in entries
            ),
            inflections=tuple(Inflection(kind=k, form=f) for k, f in sorted(forms)),
        )

    def _english(self, word: str, *, traditional_first: bool) -> DictionaryEntry:
        limit = self.settings.dictionary_max_entries
        exact, partial = self.client.dictionary().english(word, limit)
        if not exact and not partial:
            raise NotFoundError(f"no CC-CEDICT definition has {word!r}", provider="local")
        return DictionaryEntry(
            word=word,
            meanings=tuple(
                Meaning(part_of_speech=_headword(e, traditional_first), definitions=e.senses)
                for e in (*exact, *partial)
            ),
        )
