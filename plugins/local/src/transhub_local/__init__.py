"""transhub-local: OCR, a Chinese–English dictionary and (where Apertium is installed)
text translation, all on this machine, with no account and no network."""

from __future__ import annotations

__all__: list[str] = []
