"""Optical character recognition: the lines of text in an image, with their boxes."""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import ClassVar

from transhub.capabilities.base import (
    ClientT,
    FileLimits,
    Implementation,
    LanguageSupport,
    Model,
    SettingsT,
)
from transhub.capabilities.kinds import Capability


class Box(Model):
    """A rectangle in pixels, from the image's top-left corner."""

    left: int
    top: int
    width: int
    height: int


class OcrLine(Model):
    """One recognised line."""

    text: str
    box: Box | None = None


class OcrResult(Model):
    """Every line recognised in one image, top to bottom as the provider gives them."""

    lines: tuple[OcrLine, ...]

    @property
    def text(self) -> str:
        """The recognised text, one line per line."""
        return "\n".join(line.text for line in self.lines)


class OcrEngine(Implementation[SettingsT, ClientT]):
    """Recognises text.  Register with ``register_ocr_engines``."""

    capability: ClassVar[Capability] = Capability.OCR
    languages: ClassVar[LanguageSupport]
    limits: ClassVar[FileLimits]

    @abstractmethod
    def recognize(self, path: Path, language: str | None) -> OcrResult:
        """Recognise the text of the image at ``path`` (already validated)."""
