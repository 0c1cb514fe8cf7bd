"""Optional parts of transhub and the one-line error when one is not installed.

The sandbox (``transhub[sandbox]``) and cluster mode (``transhub[cluster]``) need
packages a plain ``pip install transhub`` does not bring; using them without names
the install command instead of failing with ``ModuleNotFoundError``."""

from __future__ import annotations

import importlib.util

from transhub.errors import ConfigurationError

#: What each extra is for, and the command that installs it.
INSTALL = {
    "sandbox": (
        "the sandbox",
        "pip install 'transhub[sandbox]' (the emulators need werkzeug; --tls needs trustme)",
    ),
    "cluster": (
        "cluster mode (a PostgreSQL journal, workers)",
        "pip install 'transhub[cluster]' (psycopg and procrastinate)",
    ),
}


def require(extra: str, *modules: str) -> None:
    """A :class:`~transhub.errors.ConfigurationError` naming the install command of
    ``extra`` when any of ``modules`` is not installed (looked up, not imported)."""
    absent = []
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            absent.append(module)
    if absent:
        what, command = INSTALL[extra]
        raise ConfigurationError(
            f"{what} needs {', '.join(absent)}, which is not installed: {command}"
        )
