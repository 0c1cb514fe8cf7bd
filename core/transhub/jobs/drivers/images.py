"""Image batches: inputs claimed together, grouped into tasks of the provider's size,
run concurrently; every artifact downloaded as soon as its task is done."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.capabilities.image import (
    ImageOptions,
    ImageSource,
    ImageTaskStatus,
    ImageTranslator,
)
from transhub.capabilities.kinds import Capability
from transhub.errors import JobFailedError, ResultExpiredError, TranshubError
from transhub.files import file_digest
from transhub.jobs import fallback
from transhub.jobs.claims import Holder, Slot
from transhub.jobs.drivers.image_results import ImageResults
from transhub.jobs.model import Item, ItemStatus, Job, JobState
from transhub.jobs.requests import FallbackSpec, ImageJobRequest
from transhub.jobs.runner import elapsed_since, fingerprint, maybe_submitted
from transhub.results import ImageOutcome

if TYPE_CHECKING:
    from transhub.jobs.plans import ImagePlan

#: Told each image's outcome as its task ends.
Settled = Callable[[ImageSource, ImageOutcome], None]

#: Errors that would hit every task of a batch alike: they stop the batch.
BATCH_FATAL = frozenset(
    {"configuration", "authentication", "quota", "routing", "input", "interrupted"}
)


def image_prints(
    providers: Sequence[str],
    s: ImageSource,
    target: str,
    source: str | None,
    options: ImageOptions,
) -> tuple[str, ...]:
    """The same image translation's fingerprint at each of ``providers`` (the one
    doing the work, never a chain of candidates); a file is read once."""
    content = file_digest(s.path) if s.path else s.url
    dumped = options.model_dump()
    return tuple(
        fingerprint(
            capability="image",
            provider=provider,
            content=content,
            source=source,
            target=target,
            options=dumped,
        )
        for provider in providers
    )


def image_source(item: Item) -> ImageSource:
    """The image an item of an image job stands for."""
    if item.plan.get("url"):
        return ImageSource(url=item.plan["url"])
    return ImageSource(path=Path(item.plan["path"]))


class ImageDriver(ImageResults):
    """Image translations (a job is one remote task of one or more images)."""

    capability: ClassVar[Capability] = Capability.IMAGE

    def __init__(self, runner: Any) -> None:
        super().__init__(runner)
        #: The provider's task slots of one batch (``None``: not limited here).
        self._channels: threading.BoundedSemaphore | None = None

    def run_plan(
        self,
        plan: ImagePlan,
        *,
        force: bool,
        workers: int | None = None,
        on_settled: Settled | None = None,
    ) -> list[ImageOutcome]:
        """Translate an image plan (see :meth:`Hub.prepare_images`): every image's
        outcome, in input order, each paid at most once — claimed in rounds until
        settled: new work submitted in tasks of ``max_per_task``, identical completed
        work reused, work in flight elsewhere waited for, orphans adopted.  At most
        ``workers`` tasks run at once (default: the provider's channels);
        ``on_settled(image, outcome)`` sees each image's outcome as its task ends."""
        cls = plan.implementation
        if workers is None:
            workers = cls.provider.max_concurrent_tasks(self.hub.provider_settings(cls))
        outcomes = self._translate(plan, force=force, workers=workers, on_settled=on_settled)
        return [outcomes[s] for s in plan.inputs if s in outcomes]

    def _translate(
        self, plan: ImagePlan, *, force: bool, workers: int, on_settled: Settled | None
    ) -> dict[ImageSource, ImageOutcome]:
        stems, unique, chain = plan.stems, plan.images, plan.chain
        prints = self._prints(plan)
        at = 0  # the candidate new work is claimed at: the next after a refusal
        self._channels = threading.BoundedSemaphore(max(1, workers))
        outcomes: dict[ImageSource, ImageOutcome] = {}

        def settle(s: ImageSource, outcome: ImageOutcome) -> None:
            outcomes[s] = outcome
            if on_settled is not None:
                on_settled(s, outcome)

        # Each candidate's request and items, made once (a local file is read for them).
        recorded = {0: self._recorded(plan, prints, 0)}
        for s, outcome in self._failed_before(plan.provider, recorded[0][1]).items():
            settle(s, outcome)
        ignore: set[str] = set()
        todo, fresh = [s for s in unique if s not in outcomes], force
        while todo:
            provider = chain[at]
            if at not in recorded:
                recorded[at] = self._recorded(plan, prints, at)
            request, items = recorded[at]
            at_cls = cast(
                type[ImageTranslator[Any, Any]],
                self.hub.route(Capability.IMAGE, provider=provider),
            )
            slots = self.runner.claim(
                provider=provider,
                capability=self.capability,
                request=lambda _items, asked=request: asked,
                items=[items[s] for s in todo],
                per_job=at_cls.max_per_task,
                force=fresh,
                ignore=frozenset(ignore),
            )
            fresh = False
            work: dict[str, Callable[[], Any]] = {}
            for s, slot in zip(todo, slots, strict=True):
                holder = slot.holder
                if holder is not None and holder.state is JobState.COMPLETED:
                    prior = self.runner.intact(holder)
                    if prior is None:
                        ignore.add(holder.job_id)
                    else:
                        # With fallback, the work may be another candidate's.
                        by = self.journal.get(holder.job_id).provider if chain[1:] else provider
                        settle(s, self._reused(by, s, stems[s], prior, request))
                else:
                    self._schedule(work, slot, s.label)
            results: dict[str, Any] = {}
            errors: dict[str, TranshubError] = {}
            # As each task ends, its images are settled (or claimed again next round).
            for job_id in self._run(work, workers, provider, results, errors):
                job: Job | None = None  # read once for all its images (20 items each)
                for s, slot in zip(todo, slots, strict=True):
                    if slot.job_id == job_id and s not in outcomes:
                        job = job or self.journal.get(job_id)
                        found = self._settled(job, slot, s, stems[s], request, results, errors)
                        if found is not None:
                            settle(s, found)
            todo = [s for s in todo if s not in outcomes]
            # A task regrouped at a later candidate: its images are claimed there.
            moved = [e.provider for e in errors.values() if isinstance(e, fallback.HeldElsewhere)]
            at = max([at, *(chain.index(p) for p in moved if p in chain)])
        return outcomes

    @classmethod
    def recorded(cls, plan: ImagePlan) -> tuple[ImageJobRequest, dict[ImageSource, Item]]:
        """The job request an image plan is recorded with, and each distinct image's
        item (``--queue`` records them as a batch run would)."""
        return cls._recorded(plan, cls._prints(plan), 0)

    @staticmethod
    def _prints(plan: ImagePlan) -> dict[ImageSource, tuple[str, ...]]:
        """Each distinct image's fingerprint at each provider of the plan's chain."""
        return {
            s: image_prints(plan.chain, s, plan.target, plan.source, plan.options)
            for s in plan.images
        }

    @staticmethod
    def _recorded(
        plan: ImagePlan, prints: dict[ImageSource, tuple[str, ...]], at: int
    ) -> tuple[ImageJobRequest, dict[ImageSource, Item]]:
        """The request and items of new tasks at the plan's candidate ``at`` (0: its
        provider): each item's fingerprint that candidate's, its alternates the same
        work at the others, in order — claims look at them all before sending."""
        request = ImageJobRequest(
            target=plan.target,
            source=plan.source,
            options=plan.options,
            output_dir=plan.output_dir.resolve(),
            overwrite=plan.overwrite,
            fallback=FallbackSpec(enabled=plan.fallback, next=plan.chain[at + 1 :]),
        )
        items = {
            s: Item(
                position=0,
                input=s.label,
                fingerprint=prints[s][at],
                alternates=prints[s][:at] + prints[s][at + 1 :],
                plan={
                    "stem": plan.stems[s],
                    "path": str(s.path.resolve()) if s.path else "",
                    "url": s.url or "",
                },
                input_sha256=file_digest(s.path) if s.path else None,
            )
            for s in plan.images
        }
        return request, items

    def _failed_before(
        self, provider: str, items: dict[ImageSource, Item]
    ) -> dict[ImageSource, ImageOutcome]:
        """The images whose work failed earlier in this batch (not paid for again)."""
        outcomes = {}
        for source, item in items.items():
            failed = self.runner.failed_before(item)
            if failed is not None:
                outcomes[source] = ImageOutcome(
                    input=source.label, provider=provider, success=False, code=failed.kind,
                    message=str(failed), error_kind=failed.kind,
                )  # fmt: skip
        return outcomes

    # -- one round's work ------------------------------------------------------------

    def _schedule(self, work: dict[str, Callable[[], Any]], slot: Slot, label: str) -> None:
        """A slot's work this round: submit new work, adopt an orphan, or wait for
        the live process that holds it."""
        holder = slot.holder
        if holder is None:
            work.setdefault(slot.job_id, self._new(slot.job_id))
        elif holder.orphan:
            work.setdefault(holder.job_id, self._adopt(holder))
        else:
            work.setdefault(holder.job_id, self._await(holder, label))

    def _new(self, job_id: str) -> Callable[[], Any]:
        def run() -> Any:
            with self.runner.working(self.journal.get(job_id)) as job:
                return self.drive(job, resubmit=True)

        return run

    def _adopt(self, holder: Holder) -> Callable[[], Any]:
        def run() -> Any:
            job = self.runner.adopt(holder)
            if job is None:
                return None  # another process adopted it: waited for next round
            with self.runner.working(job):
                return self.drive(job, resubmit=self.runner.resubmit)

        return run

    def _await(self, holder: Holder, label: str) -> Callable[[], Any]:
        return lambda: self.runner.await_holder(holder, label)

    def _run(
        self,
        work: dict[str, Callable[[], Any]],
        workers: int,
        provider: str,
        results: dict[str, Any],
        errors: dict[str, TranshubError],
    ) -> Iterator[str]:
        """Run a round's work, at most ``workers`` tasks at once, filling ``results``
        and ``errors`` by job id and yielding each job id as it ends.  A fatal error
        (or Ctrl-C) stops the other tasks at their next step and is raised."""
        if not work:
            return
        # Twice the slots: a finished task's downloads run beside the next task.
        with ThreadPoolExecutor(
            max_workers=max(1, min(len(work), 2 * workers)),
            thread_name_prefix=f"{provider}-images",
        ) as pool:
            futures = {pool.submit(call): job_id for job_id, call in work.items()}
            try:
                for future in as_completed(futures):
                    job_id = futures[future]
                    try:
                        results[job_id] = future.result()
                    except TranshubError as exc:
                        if exc.kind in BATCH_FATAL:
                            raise
                        errors[job_id] = exc
                    yield job_id
            except BaseException:
                self.runner.stop.set()
                raise

    def _settled(
        self,
        job: Job,
        slot: Slot,
        source: ImageSource,
        stem: str,
        request: ImageJobRequest,
        results: dict[str, Any],
        errors: dict[str, TranshubError],
    ) -> ImageOutcome | None:
        """An image's outcome after its job's round, or ``None``: claim it again (its
        job completed — a repeat of an input, or an adopted job that saved elsewhere,
        then gets its own copy — or is in flight elsewhere); ``job`` is the slot's job."""
        provider = job.provider
        item = job.items[slot.position]
        own = (
            item.plan.get("stem") == stem
            and item.input == source.label
            and self.request(job, ImageJobRequest).output_dir == request.output_dir
        )
        exc = errors.get(job.id)
        if isinstance(exc, fallback.HeldElsewhere):
            return None  # regrouped at a later candidate: claimed again there
        done = results.get(job.id)
        if own and isinstance(done, list):
            return cast(ImageOutcome, done[slot.position])
        if (
            exc is not None
            or item.state is ItemStatus.FAILED
            or job.state in (JobState.FAILED, JobState.EXPIRED)
        ):
            message = str(exc) if exc is not None else item.message or job.error or job.state.value
            code = (str(exc.code) if exc.code is not None else exc.kind) if exc else item.code
            kind = exc.kind if exc is not None else "job-failed"
            return ImageOutcome(
                error_kind=kind,
                input=source.label,
                provider=provider,
                job_id=job.id,
                task_id=job.task_id,
                success=False,
                code=code,
                message=message,
            )
        if own and item.state is ItemStatus.COMPLETED and item.outputs:
            return ImageOutcome(
                input=source.label,
                provider=provider,
                job_id=job.id,
                task_id=job.task_id,
                success=True,
                code=item.code,
                message=item.message,
                outputs={k: Path(v["path"]) for k, v in item.outputs.items()},
            )
        return None

    # -- one job ---------------------------------------------------------------------

    def drive(self, job: Job, *, resubmit: bool) -> list[ImageOutcome]:
        """Take an image job from its recorded state to completed (or its images'
        failures)."""
        runner = self.runner
        cls = cast(
            type[ImageTranslator[Any, Any]], self.hub.route(Capability.IMAGE, provider=job.provider)
        )
        translator = self.hub.instance(cls)
        sources = [image_source(i) for i in job.items]
        # The provider's slot is held while the task runs remotely, and freed when it
        # finishes: its downloads do not keep the next task waiting.
        with self._channel(job):
            failed = self._until_finished(job, translator, sources, resubmit=resubmit)
        if isinstance(failed, Job):  # refused before any payment: the next provider's turn
            return self.drive(failed, resubmit=resubmit)
        if failed is not None:
            return failed
        try:
            return self._save_items(self.journal.get(job.id), translator, sources)
        except TranshubError as exc:
            runner.record_failure(job, exc)  # an expired result must not be retried forever
            raise

    @contextlib.contextmanager
    def _channel(self, job: Job) -> Iterator[None]:
        """Hold one of the batch's task slots; a task that must wait for one says so."""
        channels = self._channels
        if channels is None:
            yield
            return
        if not channels.acquire(blocking=False):
            if self.runner.on_status is not None:
                self.runner.on_status(
                    job.id, TaskStatus(state=TaskState.QUEUED, message="waiting for a channel")
                )
            channels.acquire()
        try:
            yield
        finally:
            channels.release()

    def _until_finished(
        self,
        job: Job,
        translator: ImageTranslator[Any, Any],
        sources: list[ImageSource],
        *,
        resubmit: bool,
    ) -> list[ImageOutcome] | Job | None:
        """Submit (if not yet), wait until the task is done and record each image's
        result; the images' outcomes if the task failed, the job moved to the next
        candidate if the provider refused it before any payment, else ``None``."""
        runner = self.runner
        spec = self.request(job, ImageJobRequest)
        if job.state is JobState.SUBMITTING:
            window = translator.idempotency_window
            recognised = translator.idempotent_submit and (
                window is None or elapsed_since(job.created_at) < window
            )
            if job.may_have_been_submitted and not (resubmit or recognised):
                raise maybe_submitted(job)
            moved = fallback.guarded(
                runner,
                job,
                lambda: runner.submit(
                    job,
                    translator,
                    lambda: translator.submit(sources, spec.target, spec.source, spec.options),
                    record_failure=False,
                ),
                fallback.move_images,
            )
            if moved is not None:
                return moved
        else:
            runner.remind(translator, job)
        try:
            if job.state is JobState.RUNNING:
                status = cast(
                    ImageTaskStatus,
                    runner.wait(job, translator, lambda t: translator.status(t, sources)),
                )
                self._record_items(job, status)
            elif job.state is JobState.FINISHED and any(
                i.state is ItemStatus.PENDING and not i.artifacts for i in job.items
            ):
                status = translator.status(job.task_id or "", sources)
                if status.state is TaskState.EXPIRED:
                    raise ResultExpiredError(
                        f"the result of {job.provider} task {job.task_id} has expired",
                        provider=job.provider,
                    )
                self._record_items(job, status)
        except TranshubError as exc:
            runner.record_failure(job, exc)
            if isinstance(exc, JobFailedError):
                for item in job.items:
                    self.journal.update_item(
                        job.id, item.position, state=ItemStatus.FAILED, message=str(exc)
                    )
                return [
                    ImageOutcome(
                        input=i.input,
                        provider=job.provider,
                        job_id=job.id,
                        task_id=job.task_id,
                        success=False,
                        code=str(exc.code or ""),
                        message=str(exc),
                        error_kind=exc.kind,
                    )
                    for i in job.items
                ]
            raise
        return None
