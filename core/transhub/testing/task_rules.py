"""The rules about remote tasks (documents, conversions, images): states only move
forward, a cut download leaves no partial file, an expired result is typed."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import Any

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.capabilities.kinds import Capability
from transhub.emulation import Fault
from transhub.errors import ResultExpiredError, TranshubError
from transhub.testing.driver_base import Task, TaskDriver
from transhub.testing.drivers import TASKS
from transhub.testing.harness import Harness
from transhub.testing.rules import ContractViolation, NotApplicable, describe


class TaskRules(Harness):
    """``states-in-order``, ``download-atomic`` and ``expired-result-typed``, and the
    polling of a sample task the other rules share."""

    def _task_driver(self, capability: Capability) -> TaskDriver:
        if capability not in TASKS:
            raise NotApplicable(f"{capability.value} runs no remote task")
        driver = self.driver(capability)
        assert isinstance(driver, TaskDriver)
        return driver

    def _states(
        self, driver: TaskDriver, implementation: Any, task: Task, rule: str
    ) -> list[TaskStatus]:
        """Poll until a final state, then twice more; every status seen, in order.
        Waits between polls grow from 5 to 50 ms, bounded by the contract's timeout."""
        seen = [driver.status(implementation, task)]
        deadline = time.monotonic() + self.contract.timeout
        delay = 0.005
        pause = threading.Event()  # never set: wait() is a bounded pause between polls
        while not seen[-1].state.is_final:
            if time.monotonic() > deadline:
                raise ContractViolation(
                    rule,
                    self.who(driver.capability),
                    f"task {task.task_id} is still {seen[-1].state.value} after "
                    f"{self.contract.timeout:g}s on the emulator",
                )
            pause.wait(delay)
            delay = min(delay * 1.5, 0.05)
            seen.append(driver.status(implementation, task))
        seen.append(driver.status(implementation, task))
        seen.append(driver.status(implementation, task))
        return seen

    def _finish(self, driver: TaskDriver, implementation: Any, rule: str) -> tuple[Task, Any]:
        """Submit the sample and wait for it to be done."""
        task = driver.submit(implementation)
        final = next(
            s for s in self._states(driver, implementation, task, rule) if s.state.is_final
        )
        if final.state is not TaskState.DONE:
            raise ContractViolation(
                "works-end-to-end",
                self.who(driver.capability),
                f"the sample task {task.task_id} ended {final.state.value}: {final.message}",
            )
        return task, final

    def check_states_in_order(self, capability: Capability) -> None:
        """``states-in-order``."""
        driver = self._task_driver(capability)
        self.start()
        implementation = self.instance(capability)
        task = driver.submit(implementation)
        states = [s.state for s in self._states(driver, implementation, task, "states-in-order")]
        rank = {TaskState.QUEUED: 0, TaskState.RUNNING: 1}
        shown = " → ".join(s.value for s in states)
        for before, after in itertools.pairwise(states):
            if before.is_final and after is not before and after is not TaskState.EXPIRED:
                problem = f"left the final state {before.value} for {after.value}"
            elif not before.is_final and rank.get(after, 2) < rank[before]:
                problem = f"went back from {before.value} to {after.value}"
            else:
                continue
            raise ContractViolation(
                "states-in-order", self.who(capability), f"task {task.task_id} {problem} ({shown})"
            )

    def check_download_atomic(self, capability: Capability) -> None:
        """``download-atomic``: every request of a download, cut in turn."""
        driver = self._task_driver(capability)
        emulator = self.start()
        implementation = self.instance(capability, retries=4)
        task, status = self._finish(driver, implementation, "download-atomic")
        clean = driver.folder / "clean"
        before = len(emulator.requests)
        driver.download(implementation, task, status, clean)
        expected = contents(clean)
        if not expected:
            raise ContractViolation(
                "works-end-to-end", self.who(capability), "the finished task downloaded no file"
            )
        for number in range(len(emulator.requests) - before):
            into = driver.folder / f"cut-{number}"
            emulator.break_request(Fault.DROP_AFTER, after=number)
            error: str | None = None
            try:
                driver.download(implementation, task, status, into)
            except TranshubError:
                pass
            except Exception as exc:
                error = describe(exc)
            left = contents(into)
            where = f"with request {number + 1} of the download cut mid-answer"
            if error is not None:
                detail = f"{where}, the download raised {error}"
                if left:
                    detail += f" and left {sizes(left, expected)}"
                raise ContractViolation("download-atomic", self.who(capability), detail)
            if left and left != expected:
                raise ContractViolation(
                    "download-atomic",
                    self.who(capability),
                    f"{where}, the download left {sizes(left, expected)}",
                )

    def check_expired_result_typed(self, capability: Capability) -> None:
        """``expired-result-typed``: once the sample's result has expired, the status
        says so or the download raises ResultExpiredError, leaving no file."""
        driver = self._task_driver(capability)
        expire = self.contract.expire
        if expire is None and self.contract.expiring is None:
            raise NotApplicable(f"the contract says {self.provider} keeps results for good")
        emulator = self.start(self.contract.expiring if expire is None else None)
        implementation = self.instance(capability)
        task = driver.submit(implementation)
        try:
            states = self._states(driver, implementation, task, "expired-result-typed")
            final = next(s for s in states if s.state.is_final)
            if expire is not None and final.state is TaskState.DONE:
                expire(emulator.app)
                final = driver.status(implementation, task)
        except ResultExpiredError:
            return
        if final.state is TaskState.EXPIRED:
            return
        if final.state is not TaskState.DONE:
            raise ContractViolation(
                "expired-result-typed",
                self.who(capability),
                f"expected the state expired or an expired download; the task ended "
                f"{final.state.value}: {final.message}",
            )
        into = driver.folder / "expired"
        try:
            driver.download(implementation, task, final, into)
        except ResultExpiredError:
            error = None
        except Exception as exc:
            error = f"raised {describe(exc)}"
        else:
            error = "succeeded"
        if error is not None or contents(into):
            raise ContractViolation(
                "expired-result-typed",
                self.who(capability),
                f"downloading an expired result {error or 'left ' + str(sorted(contents(into)))}"
                "; expected ResultExpiredError",
            )


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden and temporary ones included), by name."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def sizes(found: dict[str, bytes], expected: dict[str, bytes]) -> str:
    """``result.txt (12 of 24 bytes)`` for each file found."""
    parts = []
    for name, data in found.items():
        full = expected.get(name)
        size = f"{len(data)} of {len(full)} bytes" if full is not None else f"{len(data)} bytes"
        parts.append(f"{name} ({size})")
    return ", ".join(parts)
