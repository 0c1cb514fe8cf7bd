"""What the local capabilities share: the OCR engine and the dictionary index, each
loaded on first use and kept for the life of the process."""

from __future__ import annotations

import threading
from pathlib import Path

from transhub_local import cedict
from transhub_local.recognizer import Recognizer, shared
from transhub_local.settings import LocalSettings

_indexes: dict[Path, cedict.Index] = {}
_indexes_lock = threading.Lock()


def cache_folder() -> Path:
    """The plugin's folder in transhub's cache (``<cache>/local``)."""
    from transhub.paths import cache_dir

    return cache_dir() / "local"


class Engines:
    """The provider's "client": the engines behind its capabilities."""

    def __init__(self, settings: LocalSettings) -> None:
        self.settings = settings

    def recognizer(self) -> Recognizer:
        """The OCR engine (built once per process and settings)."""
        settings = self.settings
        return shared(settings.ocr_threads, settings.ocr_min_score, settings.ocr_max_side)

    def dictionary(self) -> cedict.Index:
        """The CC-CEDICT index (built into the cache folder the first time ever)."""
        from transhub.errors import ConfigurationError

        folder = cache_folder()
        with _indexes_lock:
            if folder not in _indexes:
                try:
                    _indexes[folder] = cedict.open_index(folder)
                except cedict.DataMissing as exc:
                    raise ConfigurationError(str(exc), provider="local") from None
                except OSError as exc:
                    raise ConfigurationError(
                        f"cannot write the CC-CEDICT index in {folder} ({exc.strerror or exc})",
                        provider="local",
                        hint="make the folder writable, or point TRANSHUB_HOME elsewhere",
                    ) from None
            return _indexes[folder]
