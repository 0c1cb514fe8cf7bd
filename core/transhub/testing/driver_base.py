"""What every contract-kit driver is: the sample request of one capability (through
the CLI and through the Python API) and the requests the provider must refuse; for
capabilities that run remote tasks, submit, status and download one at a time, with
the task memory fed as the runner feeds it.

A driver reads everything from the implementation's declarations and the contract's
:class:`~transhub.testing.contract.Samples`; it holds no rule itself.  The drivers of
each capability are :mod:`transhub.testing.task_drivers` (remote tasks) and
:mod:`transhub.testing.drivers` (answers at once, and the table of all of them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.capabilities.kinds import Capability
from transhub.testing import inputs

if TYPE_CHECKING:
    from transhub.api import Hub
    from transhub.testing.contract import Samples

#: A request made through the Python API.
Call = Callable[["Hub"], object]


@dataclass
class Task:
    """One remote task started by :meth:`TaskDriver.submit`."""

    task_id: str
    context: dict[str, Any] = field(default_factory=dict)


class Driver:
    """The sample request of one capability, and what the provider must refuse."""

    #: Whether the sample leaves result files in the output folder.
    produces_files = False

    def __init__(self, cls: Any, samples: Samples, folder: Path) -> None:
        self.cls = cls
        self.samples = samples
        self.folder = folder
        self.provider: str = cls.provider.name

    @property
    def capability(self) -> Capability:
        """The capability driven."""
        result: Capability = self.cls.capability
        return result

    def argv(self, output: Path) -> list[str]:
        """``transhub`` arguments that run the sample (results into ``output``)."""
        raise NotImplementedError

    def call(self, output: Path) -> Call:
        """The sample through the Python API."""
        raise NotImplementedError

    def refusals(self) -> dict[str, Call]:
        """Requests past a declared limit, by what is wrong with them."""
        raise NotImplementedError

    def _given(self) -> Path | str | None:
        write = self.samples.files.get(self.capability.value)
        if write is None:
            return None
        folder = self.folder / "given"
        folder.mkdir(parents=True, exist_ok=True)
        return write(folder)

    def _direction(self) -> tuple[str | None, str]:
        return inputs.direction(self.cls.languages, self.samples.source, self.samples.target)

    def _language_options(self) -> list[str]:
        source, target = self._direction()
        return ["--to", target] + (["--from", source] if source else [])

    def _wrong_target(self, call: Callable[[Hub, str], object]) -> dict[str, Call]:
        wrong = inputs.unsupported_target(self.cls.languages)
        if wrong is None:
            return {}
        return {f"a target language it does not offer ({wrong})": lambda hub: call(hub, wrong)}


class TaskDriver(Driver):
    """A capability that runs remote tasks: documents, conversions, images.

    The implementation is called directly, and its task memory fed as the runner
    feeds it (:mod:`transhub.capabilities.tasks`): the submit, and the first time
    the task is seen done."""

    produces_files = True

    def submit(self, implementation: Any) -> Task:
        """Start the sample's remote task."""
        task = self.start(implementation)
        implementation.tasks.submitted(task.task_id, time.time())
        return task

    def status(self, implementation: Any, task: Task) -> TaskStatus:
        """The task's status, as the implementation reports it."""
        status = self.poll(implementation, task)
        if status.state is TaskState.DONE:
            implementation.tasks.finished(task.task_id, time.time())
        return status

    def _common(self, output: Path) -> list[str]:
        """The arguments every task sample ends with: the provider, the results'
        folder, JSON lines."""
        return ["--provider", self.provider, "-o", str(output), "--jsonl"]

    def start(self, implementation: Any) -> Task:
        """Call the implementation's submit for the sample."""
        raise NotImplementedError

    def poll(self, implementation: Any, task: Task) -> TaskStatus:
        """Call the implementation's status for the task."""
        raise NotImplementedError

    def download(self, implementation: Any, task: Task, status: TaskStatus, into: Path) -> None:
        """Download every result of a finished task into the folder ``into``."""
        raise NotImplementedError
