"""What Fanyigou's capabilities note of a task within one process, beyond what the
core's task memory holds: its document type (the download's ``dtype`` depends on it)
and when the service was last asked about it (with callbacks on, it is asked only
every ``callback_fallback`` seconds)."""

from __future__ import annotations

import threading
import time


class TaskNotes:
    """A thread-safe record per task id: document type, last time asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._asked: dict[str, float] = {}
        self._kinds: dict[str, str] = {}

    def kind(self, task_id: str, doc_type: str | None = None) -> str | None:
        """The task's document type (``docType``): recorded when given, else looked up."""
        with self._lock:
            if doc_type:
                self._kinds[task_id] = doc_type.strip().lower().lstrip(".")
            return self._kinds.get(task_id)

    def due(self, task_id: str, every: float) -> bool:
        """Whether ``every`` seconds have passed since the service was last asked about
        the task (or since this process first wondered); marks it asked when due."""
        now = time.time()
        with self._lock:
            last = self._asked.setdefault(task_id, now)
            if now - last >= every:
                self._asked[task_id] = now
                return True
            return False
