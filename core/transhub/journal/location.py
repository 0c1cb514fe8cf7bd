"""Where the journal is, read without building transhub's settings.

Commands that only read the journal (``transhub jobs list``, ``jobs show``) need one
setting, ``journal.url``; building :class:`transhub.settings.CoreSettings` for it
imports pydantic and pydantic-settings, which costs more than the listing itself.
:func:`journal_url` reads the same sources in the same order as the settings
(``-c``, then ``TRANSHUB_JOURNAL_URL`` or a JSON ``TRANSHUB_JOURNAL``, then the config
file's ``[journal]`` table), and builds the settings only for what it does not read
exactly as they would (so their answer and their error messages stay the rule).
``tests/test_journal_location.py`` checks both agree on every source.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final

from transhub.config import read_config

#: The answer when the light reading cannot decide (build the settings instead).
UNDECIDED: Final = object()

_PREFIX = "TRANSHUB_"


def light_url(overrides: Mapping[str, Any]) -> str | object | None:
    """``journal.url`` from the core's ``-c`` overrides, the environment and the
    config file (``None``: unset, the embedded SQLite file), or :data:`UNDECIDED`."""
    table = overrides.get("journal")
    if isinstance(table, Mapping) and "url" in table:
        return _text(table["url"])
    if table is not None:
        return UNDECIDED
    found = _from_environment()
    if found is not None:
        return found
    config = read_config().get("journal")
    if config is None:
        return None
    if not isinstance(config, dict) or set(config) - {"url"}:
        return UNDECIDED
    return _text(config.get("url"))


def _from_environment() -> str | object | None:
    """The variables pydantic-settings matches (case-insensitively): the field's own
    ``TRANSHUB_JOURNAL_URL``, or the whole table as JSON in ``TRANSHUB_JOURNAL``."""
    flat: str | None = None
    whole: str | None = None
    for name, value in os.environ.items():
        upper = name.upper()
        if upper == f"{_PREFIX}JOURNAL_URL":
            flat = value
        elif upper == f"{_PREFIX}JOURNAL":
            whole = value
    if whole is not None:
        return UNDECIDED  # merged with the flat variable by pydantic-settings' rules
    if flat is None:
        return None
    return flat or UNDECIDED  # an empty value: as the settings read it


def _text(value: Any) -> str | object | None:
    if value is None:
        return None
    if isinstance(value, str) and value:
        return value
    return UNDECIDED


def journal_url(overrides: Mapping[str, Any]) -> str | None:
    """The journal's URL (``None``: unset, the embedded SQLite file), through the
    settings only when the light reading cannot decide."""
    found = light_url(overrides)
    if found is UNDECIDED:
        from transhub.settings import CoreSettings, load_settings

        url = load_settings(CoreSettings, dict(overrides)).journal.url
        return url.get_secret_value() if url else None
    return found if isinstance(found, str) else None


__all__ = ["UNDECIDED", "journal_url", "light_url"]
