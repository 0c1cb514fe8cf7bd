"""The local provider as the core sees it: its name, settings, and the engines it
shares between its capabilities (built on first use, never at import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transhub.capabilities.base import ProviderInfo

from transhub_local.names import NAME, TITLE
from transhub_local.settings import LocalSettings

if TYPE_CHECKING:
    from transhub.http import HttpClient

    from transhub_local.engines import Engines


def connect(settings: LocalSettings, http: HttpClient) -> Engines:
    """The engines every local capability shares (nothing is loaded yet)."""
    from transhub_local.engines import Engines

    return Engines(settings)


def inspect() -> list[tuple[str, bool, str]]:
    """What ``providers --doctor`` shows: models, dictionary, Apertium pairs."""
    from transhub_local.inspection import findings

    return findings()


#: One engine per process: OCR and the dictionary run on this machine's cores.
LOCAL: ProviderInfo[LocalSettings, Engines] = ProviderInfo(
    name=NAME,
    title=TITLE,
    settings=LocalSettings,
    connect=connect,
    homepage="https://github.com/RapidAI/RapidOCR",
    docs="https://cc-cedict.org/wiki/",
    max_concurrent_tasks=lambda _settings: 1,
    inspect=inspect,
)
