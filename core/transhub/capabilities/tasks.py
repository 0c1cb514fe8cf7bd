"""What transhub knows of a provider's remote tasks, as a core service for plugins.

Many services answer the same for a task whose result they no longer keep as for a
task id they never issued (Fanyigou's 312, Alibaba's ``invalid``, DeepL's 404).  Only
knowing the task tells "expired" from "unknown", and that knowledge must survive a
restart: it is the job journal's.  So the core keeps it, one :class:`TaskMemory` per
provider per process (:attr:`~transhub.capabilities.base.ProviderContext.tasks`):

* the runner records each task it submits (when) and the first time it sees one
  finished (when);
* before it resumes, adopts or downloads a journalled task in a new process, the
  runner hands back the times the journal recorded;
* an implementation only reads it (:attr:`~transhub.capabilities.base.Implementation.tasks`),
  typically in ``status`` or ``download`` when the service says "no such task".

Times are epoch seconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class TaskTimes:
    """What is known of one task's life (epoch seconds; ``None``: not known)."""

    submitted_at: float | None = None
    finished_at: float | None = None


class TaskMemory:
    """A thread-safe record of one provider's tasks known to this process — submitted
    here, or recorded in the journal by an earlier process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, TaskTimes] = {}

    def submitted(self, task_id: str, at: float | None = None) -> None:
        """Note a task as submitted by transhub (at ``at``, when known).  A known
        submit time is kept: the first one recorded is the true one."""
        with self._lock:
            known = self._tasks.get(task_id, TaskTimes())
            if known.submitted_at is None:
                known = TaskTimes(at, known.finished_at)
            self._tasks[task_id] = known

    def finished(self, task_id: str, at: float) -> None:
        """Note that the task was seen finished at ``at``: the earliest sighting wins
        (it bounds the real finish time from above).  The task becomes known."""
        with self._lock:
            known = self._tasks.get(task_id, TaskTimes())
            if known.finished_at is None or at < known.finished_at:
                known = TaskTimes(known.submitted_at, at)
            self._tasks[task_id] = known

    def knows(self, task_id: str) -> bool:
        """Whether transhub submitted this task (so "no such task" means its result
        is gone, not that the id is wrong)."""
        with self._lock:
            return task_id in self._tasks

    def times(self, task_id: str) -> TaskTimes:
        """What is known of the task (every time ``None`` when nothing is)."""
        with self._lock:
            return self._tasks.get(task_id, TaskTimes())
