"""The config file: reading it (with a warning when others can read it) and writing it
atomically with mode 0600.  Light on purpose — no pydantic — so that commands which only
look at the file stay fast."""

from __future__ import annotations

import os
import stat
import sys
import warnings
from pathlib import Path
from typing import Any

from transhub import paths
from transhub.errors import ConfigurationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


def read_config(path: Path | None = None) -> dict[str, Any]:
    """The config file as a dict (empty when the file does not exist).

    Warns once when the file is readable by other users: it may hold secrets.
    """
    path = path or paths.config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read the config file: {exc.strerror}") from None
    _warn_if_shared(path)
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{path}: the config file is not valid TOML: {exc}") from None
    return data


_warned: set[Path] = set()


def _warn_if_shared(path: Path) -> None:
    if os.name != "posix" or path in _warned:
        return
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        _warned.add(path)
        warnings.warn(
            f"{path} is readable by other users and may hold secrets; run: chmod 600 {path}",
            UserWarning,
            stacklevel=3,
        )


def write_config(data: dict[str, Any], path: Path | None = None) -> Path:
    """Write the config file atomically with mode 0600."""
    import tempfile

    import tomli_w

    path = path or paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config.", suffix=".toml")
    try:
        os.fchmod(fd, 0o600) if hasattr(os, "fchmod") else None
        with os.fdopen(fd, "wb") as handle:
            tomli_w.dump(data, handle)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
