"""The provider's name and title, in a module light enough for ``transhub providers``."""

from __future__ import annotations

NAME = "local"
TITLE = "Local (offline: RapidOCR, CC-CEDICT, Apertium)"
