"""transhub's entry point into the local plugin (entry point group ``transhub``).

Importing this module costs nothing: each hook imports its capability only when the
core asks for it, and the engines load only when a request runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transhub.hookspecs import Register, hookimpl

if TYPE_CHECKING:
    from transhub.summary import ProviderSummary


@hookimpl
def register_ocr_engines(register: Register) -> None:
    """OCR with RapidOCR's bundled models."""
    from transhub_local.capabilities import LocalOcr

    register(LocalOcr)


@hookimpl
def register_dictionaries(register: Register) -> None:
    """The CC-CEDICT dictionary."""
    from transhub_local.capabilities import LocalDictionary

    register(LocalDictionary)


@hookimpl
def register_text_translators(register: Register) -> None:
    """Apertium, when at least one of its language pairs is installed."""
    from transhub_local.text import MODES, LocalText

    if MODES:
        register(LocalText)


@hookimpl
def describe_providers(register: Callable[[ProviderSummary], None]) -> None:
    """The local provider as plain data (no settings are required: it is always
    configured); ``text`` only when Apertium has a pair installed."""
    from transhub.summary import ProviderSummary

    from transhub_local.apertium import installed_modes
    from transhub_local.names import NAME, TITLE

    text = ("text",) if installed_modes() else ()
    register(ProviderSummary(name=NAME, title=TITLE, capabilities=("ocr", "dictionary", *text)))
