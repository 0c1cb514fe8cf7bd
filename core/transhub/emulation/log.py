"""The emulator's record of every request it received, for tests to assert on."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator saw it.

    ``fields`` holds the form (or query) parameters with any signature or key
    removed; ``file_sha256`` and ``file_size`` describe an uploaded file.
    """

    action: str
    method: str
    path: str
    fields: dict[str, str] = field(default_factory=dict)
    file_sha256: str | None = None
    file_size: int | None = None
    status: int | None = None
    time: float = field(default_factory=time.time)


class RequestLog:
    """A thread-safe, append-only list of :class:`LoggedRequest`."""

    def __init__(self) -> None:
        self._records: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def append(self, record: LoggedRequest) -> None:
        """Add a record."""
        with self._lock:
            self._records.append(record)

    def records(self, action: str | None = None) -> list[LoggedRequest]:
        """Every record, or those of one action, oldest first."""
        with self._lock:
            return [r for r in self._records if action is None or r.action == action]

    def count(self, action: str | None = None) -> int:
        """How many requests (of one action) were received."""
        return len(self.records(action))

    def uploads(self) -> list[LoggedRequest]:
        """The requests that carried a file."""
        return [r for r in self.records() if r.file_sha256 is not None]

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        return self.count()
