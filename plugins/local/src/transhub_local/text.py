"""Text translation through Apertium, for the pairs installed on this machine.

The class's languages are read from the installed Apertium modes when this module is
imported (the first time a text is translated): the plugin registers it only when at
least one pair is there.
"""

from __future__ import annotations

from typing import ClassVar

from transhub.capabilities.base import LanguageSupport
from transhub.capabilities.text import TextResult, TextTranslator
from transhub.errors import UnsupportedLanguageError

from transhub_local import apertium
from transhub_local.engines import Engines
from transhub_local.provider import LOCAL
from transhub_local.settings import LocalSettings

#: (source, target) → Apertium mode, as installed when the module was imported.
MODES = apertium.installed_modes()


def _own_codes() -> dict[str, str]:
    """Canonical code → Apertium's code for it, as the installed modes spell it."""
    codes: dict[str, str] = {}
    for (source, target), mode in sorted(MODES.items()):
        own_source, _, own_target = mode.partition("-")
        codes.setdefault(source, own_source)
        codes.setdefault(target, own_target)
    return codes


class LocalText(TextTranslator[LocalSettings, Engines]):
    """Translates with the ``apertium`` program (one process per text)."""

    provider = LOCAL
    languages: ClassVar[LanguageSupport] = LanguageSupport(
        codes=_own_codes(),
        pairs=frozenset(MODES),
        auto_detect=False,
    )
    #: Apertium has no limit of its own; this keeps one call's time and memory bounded.
    max_chars: ClassVar[int] = 20_000

    def translate(self, text: str, target: str, source: str | None) -> TextResult:
        """``text`` through the installed mode for ``source`` → ``target``."""
        if source is None:
            raise UnsupportedLanguageError(
                "Apertium cannot detect the source language: give --from"
            )
        mode = MODES[(source, target)]
        translated = apertium.translate(text, mode, self.settings.apertium_timeout)
        return TextResult(text=translated, source=source, target=target)
