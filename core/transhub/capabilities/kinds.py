"""The capability names, in a module light enough for start-up paths (no pydantic)."""

from __future__ import annotations

import enum


class Capability(str, enum.Enum):
    """The kinds of work a provider can offer; each has a registration hook."""

    DOCUMENT = "document"
    CONVERT = "convert"
    IMAGE = "image"
    OCR = "ocr"
    DICTIONARY = "dictionary"
    TEXT = "text"
    ACCOUNT = "account"
    GLOSSARY = "glossary"

    def __str__(self) -> str:
        return self.value
