"""The batch runner: executes plans of every capability — documents, conversions,
image batches — with the budget guard, concurrency within the providers' channels,
polling and progress events, and returns one outcome per input in input order.

The CLI and the Python API only build plans (``Hub.prepare_*``) and render events
(:mod:`transhub.jobs.events`).  Each plan is paid at most once
(:class:`~transhub.jobs.runner.Runner`); a batch recorded in the journal
(``spec``) is marked done when every input has its outcome, and left open for
``transhub jobs resume`` when it is interrupted."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.errors import Interrupted, TranshubError
from transhub.jobs.events import BatchEvent, Capped, ItemFinished, TaskEnded, TaskUpdate
from transhub.jobs.plans import ConvertPlan, DocumentPlan, ImagePlan, Plan

if TYPE_CHECKING:
    from transhub.capabilities.image import ImageSource
    from transhub.hub import Hub
    from transhub.jobs.budget import Confirm
    from transhub.results import ImageOutcome

#: ``-j``'s default and ceiling.
DEFAULT_JOBS = 4
MAX_JOBS = 64


@dataclass(frozen=True)
class Refused:
    """An input refused at validation (``keep_going``): it keeps its place in the
    batch, as a failed item."""

    input: str
    error: TranshubError
    provider: str | None = None


Entry = Plan | Refused


class BatchInterrupted(Interrupted):
    """Ctrl-C (or ``stop``) ended the batch: ``finished`` of ``total`` inputs have
    their outcome; tasks already submitted keep running remotely and are recorded."""

    def __init__(self, finished: int, total: int) -> None:
        super().__init__(f"interrupted after {finished} of {total}")
        self.finished = finished
        self.total = total


def size_of(entry: Entry) -> int:
    """How many inputs an entry stands for (an image plan: one per image given)."""
    return len(entry.inputs) if isinstance(entry, ImagePlan) else 1


def label_of(entry: Entry) -> str:
    """How an entry's (first) input is named."""
    if isinstance(entry, DocumentPlan):
        return str(entry.request.path)
    if isinstance(entry, ConvertPlan):
        return str(entry.path)
    if isinstance(entry, ImagePlan):
        return entry.inputs[0].label
    return entry.input


def check_folders(entries: Sequence[Entry]) -> None:
    """Refuse a batch whose results could not be saved (an output folder that is a
    file, or cannot be created or written), before anything is sent: found at the
    download, the work would be paid for and its result left with the provider.
    The one point every plan passes, from the CLI and the Python API alike; each
    folder is tried once."""
    from transhub.files import check_output_folder

    folders: dict[Path, None] = {}
    for entry in entries:
        if isinstance(entry, DocumentPlan | ConvertPlan):
            folders[entry.destination.parent] = None
        elif isinstance(entry, ImagePlan) and entry.images:
            folders[Path(entry.output_dir)] = None
    for folder in folders:
        check_output_folder(folder)


class BatchRunner:
    """Runs a batch for one hub.

    ``jobs``: tasks at once, never more than a provider allows (said once, a
    :class:`~transhub.jobs.events.Capped` event).  ``force`` translates anew even
    identical earlier work.  ``stop`` (set on Ctrl-C) stops new submits.
    ``max_pages``, ``max_images`` and ``confirm`` are the budget guard
    (:mod:`transhub.jobs.budget`).  ``on_event`` sees every event, from any thread;
    ``on_status(job_id, status)`` every raw task status.  ``batch_id`` ties the jobs to
    a recorded batch (``jobs resume`` running one again); ``spec`` (a
    :mod:`~transhub.jobs.specs` model's dump) records a new one before it runs.
    """

    def __init__(
        self,
        hub: Hub,
        *,
        jobs: int = DEFAULT_JOBS,
        force: bool = False,
        stop: threading.Event | None = None,
        on_event: Callable[[BatchEvent], None] | None = None,
        on_status: Callable[[str, TaskStatus], None] | None = None,
        max_pages: int | None = None,
        max_images: int | None = None,
        confirm: Confirm | None = None,
        batch_id: str | None = None,
        spec: dict[str, Any] | None = None,
    ) -> None:
        self.hub = hub
        self.jobs = max(1, min(jobs, MAX_JOBS))
        self.force = force
        self.stop = stop or threading.Event()
        self.batch_id = batch_id
        self.spec = spec
        self.max_pages, self.max_images, self.confirm = max_pages, max_images, confirm
        self._on_event = on_event
        self._on_status = on_status
        self._lock = threading.RLock()
        self._results: list[ItemFinished] = []
        self._waiting: dict[int, ItemFinished] = {}

    # -- events --------------------------------------------------------------------

    def emit(self, event: BatchEvent) -> None:
        """Report an event (serialised: one at a time)."""
        if self._on_event is not None:
            with self._lock:
                self._on_event(event)

    def _settle(self, done: ItemFinished) -> None:
        """An input has its outcome: reported in input order, as soon as it and every
        input before it have theirs."""
        with self._lock:
            self._waiting[done.index] = done
            while len(self._results) in self._waiting:
                self._results.append(self._waiting.pop(len(self._results)))
                self.emit(self._results[-1])

    # -- running -------------------------------------------------------------------

    def run(self, entries: Sequence[Entry]) -> list[ItemFinished]:
        """Run every entry (plans from ``Hub.prepare_*``, and :class:`Refused`
        inputs); one outcome per input, in input order.  Nothing is sent before the
        budget guard has passed.  Ctrl-C raises :class:`BatchInterrupted` after the
        running tasks stopped at their next step (their outcomes reported first)."""
        from transhub.batch import check_distinct_outputs
        from transhub.jobs.budget import guard

        check_folders(entries)  # before the budget guard asks for a balance
        entries = guard(
            self.hub, entries, max_pages=self.max_pages, max_images=self.max_images,
            confirm=self.confirm, emit=self.emit,
        )  # fmt: skip
        check_distinct_outputs(
            (
                e.request.path if isinstance(e, DocumentPlan) else e.path,
                e.destination,
                e.resolved_destination,
            )
            for e in entries
            if isinstance(e, DocumentPlan | ConvertPlan)
        )
        start, total = [], 0
        for entry in entries:
            start.append(total)
            total += size_of(entry)
        self._results, self._waiting = [], {}
        if self.spec is not None and self.batch_id is None:
            self.batch_id = self.hub.journal.open_batch(self.spec)
        interrupted = True
        try:
            self._run(entries, start)
            interrupted = False
        except KeyboardInterrupt:
            self.stop.set()
            finished = len(self._results) + len(self._waiting)
            for n in sorted(self._waiting):  # finished, though an earlier input did not
                self.emit(self._waiting.pop(n))
            raise BatchInterrupted(finished, total) from None
        except TranshubError as exc:
            interrupted = exc.kind == "interrupted"
            raise
        finally:
            if self.batch_id is not None and not interrupted:
                self.hub.journal.close_batch(self.batch_id)
        return self._results

    def _run(self, entries: Sequence[Entry], start: list[int]) -> None:
        single: list[tuple[int, DocumentPlan | ConvertPlan]] = []
        for index, entry in zip(start, entries, strict=True):
            if isinstance(entry, Refused):
                self._settle(ItemFinished(index, entry.input, entry.provider, error=entry.error))
            elif not isinstance(entry, ImagePlan):
                single.append((index, entry))
        if single:
            self._run_files(single)
        for index, entry in zip(start, entries, strict=True):
            if isinstance(entry, ImagePlan):
                self._run_images(index, entry, alone=len(entries) == 1)

    def capped(self, implementations: Sequence[Any], tasks: int) -> int:
        """``jobs`` within what the providers allow, explained once when capped."""
        limits = {
            cls.provider.name: int(
                cls.provider.max_concurrent_tasks(self.hub.provider_settings(cls))
            )
            for cls in implementations
        }
        if not limits:
            return self.jobs
        provider, allowed = min(limits.items(), key=lambda pair: pair[1])
        if allowed < min(self.jobs, tasks):
            self.emit(Capped(self.jobs, allowed, provider))
        return max(1, min(self.jobs, allowed))

    def execute(
        self, plan: Plan, on_status: Callable[[str, TaskStatus], None], **image: Any
    ) -> Any:
        """Execute one plan: the single place where the batch's work leaves for a
        provider, through the journal's runner (an image plan through the image
        driver, ``image``: its ``workers`` and ``on_settled``)."""
        runner = self.hub.runner(stop=self.stop, on_status=on_status, batch_id=self.batch_id)
        if isinstance(plan, ImagePlan):
            from transhub.jobs.drivers.images import ImageDriver

            return ImageDriver(runner).run_plan(plan, force=self.force, **image)
        return runner.run(plan, force=self.force)

    def _relay(self, key: str, label: str, order: int) -> Callable[[str, TaskStatus], None]:
        """A job's statuses as board updates (a job that waits says what for)."""

        def on_status(job_id: str, status: TaskStatus) -> None:
            if self._on_status is not None:
                self._on_status(job_id, status)
            said = status.message if status.state is TaskState.QUEUED and status.message else ""
            self.emit(TaskUpdate(key, label, order, said or status.state.value, status.percent))

        return on_status

    # -- documents and conversions -------------------------------------------------

    def _run_files(self, plans: list[tuple[int, DocumentPlan | ConvertPlan]]) -> None:
        """One job per plan, at most ``jobs`` at once (within the channels).  Each
        input is settled by the thread that ran it, so an input that finished while
        Ctrl-C arrived still has its outcome reported."""
        from transhub.batch import run_concurrently

        limit = self.capped([plan.implementation for _, plan in plans], len(plans))

        def work(numbered: tuple[int, DocumentPlan | ConvertPlan]) -> None:
            index, plan = numbered
            key, name = str(index), label_of(plan)
            self.emit(TaskUpdate(key, name, index, "starting"))
            try:
                result = self.execute(plan, self._relay(key, name, index))
            except TranshubError as exc:
                if exc.kind == "interrupted" and self.stop.is_set():
                    raise  # stopped, not finished: left for `jobs resume`
                self._settle(ItemFinished(index, name, plan.provider, error=exc))
            else:
                self._settle(ItemFinished(index, name, result.provider, result))
            finally:
                self.emit(TaskEnded(key))

        outcomes = run_concurrently(plans, work, jobs=limit, stop=self.stop)
        with contextlib.closing(outcomes):  # Ctrl-C here: the running items stop first
            for _ in outcomes:
                pass

    # -- images --------------------------------------------------------------------

    def _run_images(self, start: int, plan: ImagePlan, *, alone: bool = False) -> None:
        """An image batch through the image driver: tasks of the provider's size, at
        most ``jobs`` at once (within the channels); each input settled as its task
        ends.  An error a task raises (credentials refused) fails the plan's unsettled
        inputs when other entries share the batch; ``alone``, the batch is this plan,
        and the error is the batch's (the command's one line)."""
        positions: dict[ImageSource, list[int]] = {}
        for offset, source in enumerate(plan.inputs):
            positions.setdefault(source, []).append(start + offset)
        for source, exc in plan.refused.items():
            for index in positions.get(source, []):
                self._settle(ItemFinished(index, source.label, plan.provider, error=exc))
        per_task = plan.implementation.max_per_task
        tasks = -(-len(plan.images) // per_task) if plan.images else 0
        workers = self.capped([plan.implementation], tasks)
        labels: dict[str, tuple[str, int]] = {}
        ended: set[str] = set()

        def on_status(job_id: str, status: TaskStatus) -> None:
            if job_id not in labels:  # the task's first image names its line
                items = self.hub.journal.get(job_id).items
                first = min(
                    (positions[s][0] for s in plan.images if s.label == items[0].input),
                    default=start,
                )
                more = f" (+{len(items) - 1})" if len(items) > 1 else ""
                labels[job_id] = (items[0].input + more, first)
            name, order = labels[job_id]
            self._relay(job_id, name, order)(job_id, status)

        done: set[ImageSource] = set()

        def settled(source: ImageSource, outcome: ImageOutcome) -> None:
            if outcome.job_id in labels and outcome.job_id not in ended:
                ended.add(outcome.job_id)
                self.emit(TaskEnded(outcome.job_id))
            done.add(source)
            for index in positions[source]:
                self._settle(ItemFinished(index, source.label, outcome.provider, outcome))

        if plan.images:
            try:
                self.execute(plan, on_status, workers=workers, on_settled=settled)
            except TranshubError as exc:
                if alone or (exc.kind == "interrupted" and self.stop.is_set()):
                    raise  # the batch's own error, or stopped: left for `jobs resume`
                # One failing input never stops the others' reports: every image the
                # driver did not settle fails with the error, as a document would.
                for source in plan.images:
                    if source not in done:
                        for index in positions[source]:
                            failed = ItemFinished(index, source.label, plan.provider, error=exc)
                            self._settle(failed)
