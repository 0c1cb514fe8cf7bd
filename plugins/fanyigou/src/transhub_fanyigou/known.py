"""What this process knows of the tasks it works with: which ones it submitted (or
the job journal told it about), and when each was seen finished.

The service answers 312 ("does not exist") both for an id it never issued and for a
task whose result it no longer keeps; knowing the task tells the two apart.
"""

from __future__ import annotations

import threading
import time


class KnownTasks:
    """A thread-safe record of task ids: submitted when, finished when (epoch seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._submitted: dict[str, float | None] = {}
        self._finished: dict[str, float] = {}
        self._asked: dict[str, float] = {}
        self._kinds: dict[str, str] = {}

    def submitted(self, task_id: str, at: float | None = None) -> None:
        """Note a task this process (or an earlier one, per the journal) submitted."""
        with self._lock:
            self._submitted[task_id] = at if at is not None else time.time()

    def finished(self, task_id: str, at: float | None = None) -> None:
        """Note that a task was seen finished (the first time counts)."""
        with self._lock:
            self._finished.setdefault(task_id, at if at is not None else time.time())

    def knows(self, task_id: str) -> bool:
        """Whether the task was submitted by us (so a 312 means its result expired)."""
        with self._lock:
            return task_id in self._submitted

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

    def finished_at(self, task_id: str) -> float | None:
        """When the task was seen finished, if it was."""
        with self._lock:
            return self._finished.get(task_id)
