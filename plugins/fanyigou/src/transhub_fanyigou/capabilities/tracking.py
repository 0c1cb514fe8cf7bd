"""What the capabilities with remote tasks (documents, conversions, images) share:
312 ("does not exist") on a task transhub submitted means its result expired.

Which tasks transhub submitted is the core's task memory
(:class:`~transhub.capabilities.tasks.TaskMemory`): the runner records every submit
and hands the journal's tasks back after a restart; only the reading of 312 is
Fanyigou's."""

from __future__ import annotations

from collections.abc import Callable

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.capabilities.tasks import TaskMemory
from transhub.errors import NotFoundError

from transhub_fanyigou import codes

EXPIRED_MESSAGE = "the service no longer keeps this task (its result has expired)"


def tracked(tasks: TaskMemory, task_id: str, fetch: Callable[[], TaskStatus]) -> TaskStatus:
    """``fetch()``'s status; a 312 for a task transhub submitted (in this process or,
    per the journal, an earlier one) is the status "expired"."""
    try:
        return fetch()
    except NotFoundError as exc:
        if exc.code == codes.NOT_FOUND and tasks.knows(task_id):
            return TaskStatus(
                state=TaskState.EXPIRED, code=str(codes.NOT_FOUND), message=EXPIRED_MESSAGE
            )
        raise
