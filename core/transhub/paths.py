"""Where transhub keeps its files.

``TRANSHUB_HOME`` moves everything into one folder (``config.toml``, ``data/``,
``cache/``); otherwise the platform's user config, data and cache folders are used.
``TRANSHUB_CONFIG`` names the config file alone.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

APP = "transhub"

# Folders this process has created (or found): each is made once, not at every call,
# because some callers ask for the data folder once per document of a batch (a
# Fanyigou status poll, issue 17).
_made: set[Path] = set()
_made_lock = threading.Lock()


def _ensure(folder: Path) -> Path:
    """``folder``, created with its parents the first time this process asks for it."""
    if folder in _made:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with _made_lock:
        _made.add(folder)
    return folder


def home() -> Path | None:
    """The ``TRANSHUB_HOME`` folder, when set."""
    value = os.environ.get("TRANSHUB_HOME")
    return Path(value).expanduser() if value else None


def config_file() -> Path:
    """The config file's path (it may not exist yet)."""
    explicit = os.environ.get("TRANSHUB_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = home()
    if base is not None:
        return base / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"


def sandboxed() -> bool:
    """Whether this run talks to local emulators (``--sandbox``/``TRANSHUB_SANDBOX``)."""
    return os.environ.get("TRANSHUB_SANDBOX", "").strip().lower() in ("1", "true", "yes", "on")


def data_dir() -> Path:
    """The folder for the job journal and other state (created on first use in a
    process).

    In sandbox mode it is the ``sandbox`` subfolder, so emulated jobs never mix with
    real ones."""
    base = home()
    if base is not None:
        folder = base / "data"
    else:
        import platformdirs

        folder = Path(platformdirs.user_data_dir(APP, appauthor=False))
    if sandboxed():
        folder = folder / "sandbox"
    return _ensure(folder)


def cache_dir() -> Path:
    """The folder for files that can be rebuilt at any time, such as a plugin's index of
    its bundled data (created on first use; deleting it loses nothing)."""
    base = home()
    if base is not None:
        folder = base / "cache"
    else:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir(APP, appauthor=False))
    return _ensure(folder)
