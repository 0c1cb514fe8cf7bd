"""The emulator is an independent witness: it keeps its own copy of the reference's
facts (``emulator/facts.py``) and never imports the client's tables.  These tests
compare the two copies row by row; a failure names the row, and one of the two sides
is wrong against ``provider-docs/fanyigou-open-api.zh.txt``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from transhub.testing.witness import client_imports, rows, same

import transhub_fanyigou
from transhub_fanyigou import client, codes, languages, limits
from transhub_fanyigou.emulator import facts

EMULATOR = Path(transhub_fanyigou.__file__).parent / "emulator"
#: What the emulator may share with the client: the signature rule (checked against the
#: reference's worked example, and the vendor's SDK is tested against the emulator).
SHARED = ("transhub_fanyigou.signing",)


def test_the_emulator_imports_no_client_table() -> None:
    assert client_imports(EMULATOR, "transhub_fanyigou", SHARED) == []


def test_loading_the_emulator_loads_no_client_table() -> None:
    tables = ["codes", "limits", "languages", "answers", "client", "capabilities"]
    probe = (
        "import sys, transhub_fanyigou.emulator; "
        f"print([m for m in {tables!r} if 'transhub_fanyigou.' + m in sys.modules])"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == "[]"


def test_status_codes_and_their_texts() -> None:
    mine = facts.STATUS_TEXT
    theirs = {code: status.chinese for code, status in codes.STATUSES.items()}
    same("status", mine, theirs)


def test_named_codes() -> None:
    names = ["OK", "RATE_LIMITED", "NOT_FOUND", "RUNNING", "DONE", "CHANNEL_OCCUPIED"]
    names += ["DUPLICATE", "PAGES_COUNTED", "ZERO"]
    mine = {name: getattr(facts, name) for name in names}
    theirs = {name: getattr(codes, name) for name in names}
    same("code", mine, theirs)


def test_file_limits() -> None:
    mine = {
        "document extensions": facts.DOCUMENT_EXTENSIONS,
        "document bytes": facts.DOCUMENT_MAX_BYTES,
        "conversion extensions": facts.CONVERSION_EXTENSIONS,
        "conversion bytes": facts.CONVERSION_MAX_BYTES,
        "image extensions": facts.IMAGE_EXTENSIONS,
        "image bytes": facts.IMAGE_MAX_BYTES,
        "image sides": (facts.IMAGE_MIN_SIDE, facts.IMAGE_MAX_SIDE),
        "ocr extensions": facts.IMAGE_EXTENSIONS,
        "ocr bytes": facts.IMAGE_MAX_BYTES,
        "ocr sides": (facts.IMAGE_MIN_SIDE, facts.OCR_MAX_SIDE),
        "text characters": facts.TEXT_MAX_CHARS,
        "dictionary word": (1, facts.WORD_MAX_CHARS),
    }
    theirs = {
        "document extensions": limits.DOCUMENTS.extensions,
        "document bytes": limits.DOCUMENTS.max_bytes,
        "conversion extensions": limits.CONVERSIONS.extensions,
        "conversion bytes": limits.CONVERSIONS.max_bytes,
        "image extensions": limits.IMAGES.extensions,
        "image bytes": limits.IMAGES.max_bytes,
        "image sides": (limits.IMAGES.min_pixels, limits.IMAGES.max_pixels),
        "ocr extensions": limits.OCR_IMAGES.extensions,
        "ocr bytes": limits.OCR_IMAGES.max_bytes,
        "ocr sides": (limits.OCR_IMAGES.min_pixels, limits.OCR_IMAGES.max_pixels),
        "text characters": limits.TEXT_MAX_CHARS,
        "dictionary word": (limits.WORD_MIN_CHARS, limits.WORD_MAX_CHARS),
    }
    same("limit", mine, theirs)


def test_call_parameters() -> None:
    same(
        "conversionFormat",
        facts.CONVERSION_FORMATS,
        {number: name for name, number in client.CONVERSION_FORMATS.items()},
    )
    same("getAccount type", rows(facts.ACCOUNT_TYPES), rows(client.ACCOUNT_TYPES.values()))
    sent = {client.DTYPE_PDF, client.DTYPE_SAME, client.DTYPE_CONVERTED}
    same("dtype", rows(facts.DOWNLOAD_TYPES), rows(sent))
    assert facts.AUTO == languages.AUTO


def test_language_codes() -> None:
    same("language", rows(facts.LANGUAGES), rows(languages.CODES.values()))


def test_language_names() -> None:
    # The service names languages in Chinese in fromLan/toLan: the client's reading of
    # each name must land on the code the reference gives that name.
    theirs = {
        code: name
        for name, canonical in languages.CHINESE_NAMES.items()
        if (code := languages.CODES.get(canonical)) is not None
    }
    same("language name", facts.LANGUAGES, theirs)


def test_text_directions() -> None:
    theirs = {(languages.CODES[s], languages.CODES[t]) for s, t in languages.TEXT_PAIRS}
    same("trans direction", rows(facts.TEXT_DIRECTIONS), rows(theirs))


def test_industries() -> None:
    theirs = {number: chinese for number, (_, chinese) in languages.INDUSTRIES.items()}
    same("industry", facts.INDUSTRIES, theirs)
