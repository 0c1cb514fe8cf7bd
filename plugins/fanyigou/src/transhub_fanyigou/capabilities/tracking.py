"""Task bookkeeping shared by the capabilities with remote tasks (documents,
conversions, images): 312 on a task we know means its result expired."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.errors import NotFoundError

from transhub_fanyigou import codes
from transhub_fanyigou.client import FanyigouClient

StatusT = TypeVar("StatusT", bound=TaskStatus)

EXPIRED_MESSAGE = "the service no longer keeps this task (its result has expired)"


def tracked(
    client: FanyigouClient,
    task_id: str,
    fetch: Callable[[], StatusT],
    expired: Callable[[], StatusT],
) -> StatusT:
    """``fetch()``'s status, noting when the task is seen finished; a 312 ("does not
    exist") for a task submitted by us (or recorded in the journal) gives ``expired()``."""
    try:
        status = fetch()
    except NotFoundError as exc:
        if exc.code == codes.NOT_FOUND and client.known.knows(task_id):
            return expired()
        raise
    if status.state.is_final:
        client.known.finished(task_id)
    return status


def expired_status() -> TaskStatus:
    """The status of a known task the service has forgotten."""
    return TaskStatus(state=TaskState.EXPIRED, code=str(codes.NOT_FOUND), message=EXPIRED_MESSAGE)


def remember(
    client: FanyigouClient,
    task_id: str,
    submitted_at: float | None,
    finished_at: float | None,
) -> None:
    """Take in what the job journal recorded of a task before it is resumed."""
    client.known.submitted(task_id, submitted_at)
    if finished_at is not None:
        client.known.finished(task_id, finished_at)
