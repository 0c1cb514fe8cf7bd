"""The emulator's own copy of DeepL's published facts (never the client's tables):
languages, glossary languages, limits per format and plan, billing minimums.

Written from the API reference (developers.deepl.com: "Retrieve supported languages",
"Manage glossaries", "Usage and limits", "Translate documents").
"""

from __future__ import annotations

#: Source languages: code → English name.
SOURCE_LANGUAGES: dict[str, str] = {
    "AR": "Arabic", "BG": "Bulgarian", "CS": "Czech", "DA": "Danish", "DE": "German",
    "EL": "Greek", "EN": "English", "ES": "Spanish", "ET": "Estonian", "FI": "Finnish",
    "FR": "French", "HE": "Hebrew", "HU": "Hungarian", "ID": "Indonesian", "IT": "Italian",
    "JA": "Japanese", "KO": "Korean", "LT": "Lithuanian", "LV": "Latvian",
    "NB": "Norwegian (bokmål)", "NL": "Dutch", "PL": "Polish", "PT": "Portuguese",
    "RO": "Romanian", "RU": "Russian", "SK": "Slovak", "SL": "Slovenian", "SV": "Swedish",
    "TH": "Thai", "TR": "Turkish", "UK": "Ukrainian", "VI": "Vietnamese", "ZH": "Chinese",
}  # fmt: skip

#: Target languages: code → (English name, supports formality).
TARGET_LANGUAGES: dict[str, tuple[str, bool]] = {
    "AR": ("Arabic", False), "BG": ("Bulgarian", False), "CS": ("Czech", False),
    "DA": ("Danish", False), "DE": ("German", True), "EL": ("Greek", False),
    "EN-GB": ("English (British)", False), "EN-US": ("English (American)", False),
    "ES": ("Spanish", True), "ES-419": ("Spanish (Latin American)", True),
    "ET": ("Estonian", False), "FI": ("Finnish", False), "FR": ("French", True),
    "HE": ("Hebrew", False), "HU": ("Hungarian", False), "ID": ("Indonesian", False),
    "IT": ("Italian", True), "JA": ("Japanese", True), "KO": ("Korean", False),
    "LT": ("Lithuanian", False), "LV": ("Latvian", False), "NB": ("Norwegian (bokmål)", False),
    "NL": ("Dutch", True), "PL": ("Polish", True), "PT-BR": ("Portuguese (Brazilian)", True),
    "PT-PT": ("Portuguese (European)", True), "RO": ("Romanian", False),
    "RU": ("Russian", True), "SK": ("Slovak", False), "SL": ("Slovenian", False),
    "SV": ("Swedish", False), "TH": ("Thai", False), "TR": ("Turkish", False),
    "UK": ("Ukrainian", False), "VI": ("Vietnamese", False),
    "ZH-HANS": ("Chinese (simplified)", False), "ZH-HANT": ("Chinese (traditional)", False),
}  # fmt: skip
#: Still accepted as a target, as the language's main variant.
TARGET_ALIASES = {"ZH": "ZH-HANS"}
#: Refused as targets: the variant must be named.
DEPRECATED_TARGETS = {"EN": "EN-GB or EN-US", "PT": "PT-PT or PT-BR"}

#: A glossary may pair any two of these.
GLOSSARY_LANGUAGES = (
    "da", "de", "en", "es", "fr", "it", "ja", "ko", "nb", "nl", "pl", "pt", "ru", "sv", "zh",
)  # fmt: skip
GLOSSARY_MAX_BYTES = 10 * 1024 * 1024
GLOSSARY_MAX_TERM_BYTES = 1024
GLOSSARY_MAX_COUNT = 1000


def is_glossary_control(char: str) -> bool:
    """A character DeepL refuses in a glossary term (400): C0 and C1 controls and
    U+2028/U+2029, as its official client's ``validate_glossary_term`` says.  The
    emulator's own copy of the rule, independent of the core's check."""
    return ord(char) <= 0x1F or 0x80 <= ord(char) <= 0x9F or char in "\u2028\u2029"


FORMALITIES = ("default", "more", "less", "prefer_more", "prefer_less")

#: Bytes in one request at most (413 beyond), and texts per translate request.
MAX_REQUEST_BYTES = 128 * 1024
MAX_TEXTS = 50

MB = 1000 * 1000
#: Document extension → (Free bytes, Pro bytes).
UPLOAD_LIMITS: dict[str, tuple[int, int]] = {
    "docx": (10 * MB, 30 * MB), "doc": (10 * MB, 30 * MB), "pptx": (10 * MB, 30 * MB),
    "xlsx": (10 * MB, 30 * MB), "pdf": (10 * MB, 30 * MB), "txt": (MB, MB),
    "htm": (5 * MB, 5 * MB), "html": (5 * MB, 5 * MB), "xlf": (10 * MB, 10 * MB),
    "xliff": (10 * MB, 10 * MB), "srt": (150_000, 150_000),
}  # fmt: skip
#: Conversions ``output_format`` may ask for.
CONVERSIONS = {"pdf": {"docx"}, "doc": {"docx"}}
#: Each document of these types is billed at least MINIMUM_BILLED characters.
MINIMUM_BILLED = 50_000
MINIMUM_TYPES = frozenset({"docx", "doc", "pptx", "xlsx", "pdf"})

#: The Free plan's monthly characters.
FREE_CHARACTER_LIMIT = 500_000
FREE_KEY_SUFFIX = ":fx"
