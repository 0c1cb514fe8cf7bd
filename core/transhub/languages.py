"""Canonical language codes (BCP 47 style) and the aliases the CLI accepts.

Plugins map these canonical codes to their provider's own codes in their
:class:`~transhub.capabilities.base.LanguageSupport`; users may type a canonical
code, a common alias (``zh-CN``, ``jp``, ``kor``…) or the chosen provider's own code.
"""

from __future__ import annotations

from collections.abc import Iterable

from transhub.errors import UnsupportedLanguageError

#: Canonical code → English name.
NAMES: dict[str, str] = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian",
    "bg": "Bulgarian", "bn": "Bengali", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian",
    "fi": "Finnish", "fil": "Filipino", "fr": "French", "ga": "Irish", "gl": "Galician",
    "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "jv": "Javanese", "ka": "Georgian",
    "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish",
    "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish", "lo": "Lao", "lt": "Lithuanian",
    "lv": "Latvian", "mg": "Malagasy", "mi": "Maori", "mk": "Macedonian", "ml": "Malayalam",
    "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Burmese",
    "ne": "Nepali", "nl": "Dutch", "no": "Norwegian", "pa": "Punjabi", "pl": "Polish",
    "ps": "Pashto", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sd": "Sindhi",
    "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "sm": "Samoan", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "su": "Sundanese", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tg": "Tajik", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese",
    "xh": "Xhosa", "yi": "Yiddish", "yo": "Yoruba", "zh": "Chinese (Simplified)",
    "zh-Hant": "Chinese (Traditional)", "zu": "Zulu",
}  # fmt: skip

#: Regional variants some providers tell apart (DeepL's EN-GB/EN-US…): canonical codes
#: of their own where a provider declares them; elsewhere their alias in ALIASES (the
#: language) applies.
VARIANTS: dict[str, str] = {
    "en-GB": "English (British)",
    "en-US": "English (American)",
    "pt-BR": "Portuguese (Brazilian)",
    "pt-PT": "Portuguese (European)",
    "es-419": "Spanish (Latin American)",
}

#: Common alias (lower case) → canonical code.
ALIASES: dict[str, str] = {
    "zh-cn": "zh", "zh-hans": "zh", "zh-sg": "zh", "cn": "zh", "chs": "zh", "zh_cn": "zh",
    "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "cht": "zh-Hant",
    "zh_tw": "zh-Hant", "tw": "zh-Hant",
    "jp": "ja", "jpn": "ja", "kor": "ko", "kr": "ko", "fra": "fr", "fre": "fr",
    "spa": "es", "ara": "ar", "est": "et", "bul": "bg", "rom": "ro", "swe": "sv",
    "slo": "sl", "vie": "vi", "fin": "fi", "iw": "he", "ger": "de", "deu": "de",
    "rus": "ru", "ita": "it", "por": "pt", "pt-br": "pt", "pt-pt": "pt", "nb": "no",
    "nn": "no", "in": "id", "tl-ph": "fil", "dan": "da", "en-us": "en", "en-gb": "en",
    "es-419": "es",
}  # fmt: skip

AUTO = {"auto", "", "detect"}
_BY_LOWER = {code.lower(): code for code in NAMES}
_VARIANTS_BY_LOWER = {code.lower(): code for code in VARIANTS}


def canonical(code: str, provider_codes: Iterable[tuple[str, str]] = ()) -> str:
    """The canonical code for what a user typed.

    ``provider_codes`` are (canonical, provider's own) pairs: a provider's own code
    is accepted too.  Raises :class:`UnsupportedLanguageError` for an unknown code.
    """
    text = code.strip()
    lowered = text.lower().replace("_", "-")
    if lowered in _BY_LOWER:
        return _BY_LOWER[lowered]
    provider_codes = list(provider_codes)
    variant = _VARIANTS_BY_LOWER.get(lowered)
    if variant is not None and any(c == variant for c, _ in provider_codes):
        return variant
    if lowered in ALIASES:
        return ALIASES[lowered]
    for canonical_code, own in provider_codes:
        if own.lower() == lowered:
            return canonical_code
    guess = suggest(text)
    raise UnsupportedLanguageError(
        f"unknown language code {code!r}"
        + (f": did you mean {guess} ({name(guess)})?" if guess else "")
        + " (see `transhub languages --all` for the codes)"
    )


def suggest(text: str) -> str | None:
    """The canonical code closest to a mistyped code or a language's name
    (``chinese`` → ``zh``, ``germn`` → ``de``, ``jpn`` → ``ja``), or ``None``."""
    import difflib

    lowered = text.strip().lower()
    by_word: dict[str, str] = {}
    for code, english in NAMES.items():
        by_word.setdefault(english.lower(), code)
        # "Chinese (Simplified)" is found as "chinese" too (the first such name wins).
        by_word.setdefault(english.split(" (")[0].lower(), code)
    candidates = {**{c.lower(): c for c in NAMES}, **ALIASES, **by_word}
    if lowered in candidates:
        return candidates[lowered]
    close = difflib.get_close_matches(lowered, list(candidates), n=1, cutoff=0.75)
    return candidates[close[0]] if close else None


def source_language(code: str | None, provider_codes: Iterable[tuple[str, str]] = ()) -> str | None:
    """A source language, where ``None``, ``auto`` or empty means "detect"."""
    if code is None or code.strip().lower() in AUTO:
        return None
    return canonical(code, provider_codes)


def target_language(code: str, provider_codes: Iterable[tuple[str, str]] = ()) -> str:
    """A target language; ``auto`` is refused (a target cannot be detected)."""
    if code.strip().lower() in AUTO:
        raise UnsupportedLanguageError(
            "the target language cannot be 'auto': name one, e.g. --to zh"
        )
    return canonical(code, provider_codes)


def name(code: str) -> str:
    """The English name of a canonical code (the code itself when unknown)."""
    return NAMES.get(code) or VARIANTS.get(code, code)


def is_canonical(code: str) -> bool:
    """Whether ``code`` is a canonical code (a language, or a regional variant)."""
    return code in NAMES or code in VARIANTS
