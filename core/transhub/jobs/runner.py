"""Running remote tasks through the journal, so that nothing is lost or paid twice.

:class:`Runner` holds what every job shares — claims, the submit that may cost money,
waiting, placing results — and hands each capability's jobs to its driver
(:data:`DRIVERS`, keyed by :class:`~transhub.capabilities.kinds.Capability`).  The
journal is written *before* each step that may cost money and after each step that
changes what a resume must do.  Before any new work, the runner claims it
(:meth:`transhub.journal.Journal.claim`): identical work that is completed is reused,
work in flight in a live process is waited for, an orphan is adopted and resumed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.capabilities.base import Implementation, TaskState, TaskStatus
from transhub.capabilities.kinds import Capability
from transhub.counts import counted
from transhub.errors import (
    Interrupted,
    JobFailedError,
    ResponseFormatError,
    ResultExpiredError,
    TranshubError,
    TransientError,
)
from transhub.files import file_digest
from transhub.jobs.channels import ChannelLeases, Channels, OwnershipLost, account_of
from transhub.jobs.claims import Holder, Slot
from transhub.jobs.model import Item, ItemStatus, Job, JobState, now
from transhub.jobs.owners import heartbeat, owner_alive, this_process
from transhub.polling import reporting_waits

if TYPE_CHECKING:
    from transhub.jobs.drivers import Driver
    from transhub.jobs.plans import Plan
    from transhub.jobs.requests import JobRequest
    from transhub.journal import Journal
    from transhub.pool import ProviderPool

log = logging.getLogger("transhub.jobs")

StatusCallback = Callable[[str, TaskStatus], None]


class MaybeSubmittedError(TranshubError):
    """A job whose submit may have reached the provider; resuming it could pay twice."""

    kind = "failure"


class ClaimLostError(TranshubError):
    """Another process adopted the job (this one's lease lapsed): it stops here."""

    kind = "failure"


class DoneBeforeError(TranshubError):
    """Work a batch run again had completed before, whose result was moved away since:
    it is not sent (and paid) again."""

    kind = "failure"


def fingerprint(**parts: Any) -> str:
    """What makes two requests the same work: content, provider, languages, options."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def epoch(stamp: str | None) -> float | None:
    """A journal time as epoch seconds."""
    return datetime.fromisoformat(stamp).timestamp() if stamp else None


def elapsed_since(stamp: str) -> float:
    """Seconds since a time recorded in the journal."""
    return time.time() - datetime.fromisoformat(stamp).timestamp()


def unknown_fate(exc: TranshubError) -> bool:
    """Whether a failed submit may nonetheless have started the task."""
    return (isinstance(exc, TransientError) and not exc.retryable) or isinstance(
        exc, ResponseFormatError
    )


def maybe_submitted(job: Job) -> MaybeSubmittedError:
    """The refusal for a job whose submit may have reached the provider."""
    what = job.items[0].input if len(job.items) == 1 else counted(len(job.items), "image")
    return MaybeSubmittedError(
        f"job {job.id} ({what}) may have been submitted before the last run stopped; "
        "resubmitting could pay twice. Check with the provider, then "
        f"`transhub jobs resume {job.id} --resubmit` or `transhub jobs forget {job.id}`"
    )


class Runner:
    """Runs jobs for one :class:`~transhub.hub.Hub` and one :class:`Journal`.

    ``stop`` (set on Ctrl-C) stops new submits and ends waits; running remote tasks
    stay recorded for ``transhub jobs resume``.  ``resubmit`` lets an adopted job
    that may have been submitted be sent again.  ``batch_id`` ties new jobs to the
    recorded batch they belong to.
    """

    def __init__(
        self,
        hub: ProviderPool,
        journal: Journal,
        *,
        stop: threading.Event | None = None,
        on_status: StatusCallback | None = None,
        resubmit: bool = False,
        batch_id: str | None = None,
    ) -> None:
        self.hub = hub
        self.journal = journal
        self.stop = stop or threading.Event()
        self.on_status = on_status
        self.resubmit = resubmit
        self.batch_id = batch_id
        self.owner = str(this_process())
        #: Jobs submitted by this runner (their progress is measured from the submit).
        self._submitted_here: set[str] = set()
        core = hub.settings
        self.channels = ChannelLeases(
            journal,
            self.owner,
            stop=self.stop,
            interval=core.poll_interval,
            timeout=core.task_timeout,
            started=lambda: heartbeat(journal),
        )

    def run(self, plan: Plan, *, force: bool = False) -> Any:
        """Execute one plan (see ``Hub.prepare_*``) through its capability's driver:
        its result, paid at most once (``force``: translate anew even if identical
        work was done).  Batches of plans: :class:`~transhub.jobs.batch.BatchRunner`."""
        return self.driver(plan.capability).run_plan(plan, force=force)

    def driver(self, capability: Capability) -> Driver:
        """The driver of one capability's jobs."""
        from transhub.jobs.drivers import DRIVERS

        return DRIVERS[capability](self)

    # -- claims ----------------------------------------------------------------------

    def claim(self, **claim: Any) -> list[Slot]:
        """Claim work in the journal for this process (see :meth:`Journal.claim`)."""
        self._check_stop()
        slots: list[Slot] = self.journal.claim(owner=self.owner, batch_id=self.batch_id, **claim)
        heartbeat(self.journal)  # after the commit: see Heartbeat
        return slots

    def failed_before(self, item: Item) -> JobFailedError | None:
        """The failure of this work earlier in the same batch (a batch run again —
        ``jobs resume`` after it was interrupted — does not pay for it again)."""
        if self.batch_id is None:
            return None
        for work in (item.fingerprint, *item.alternates):  # at any candidate (fallback)
            found = self.journal.failed_in_batch(self.batch_id, work)
            if found is not None:
                return JobFailedError(
                    f"{item.input}: failed in this batch before (job {found[0]}): {found[1]}"
                )
        return None

    def done_before(self, item: Item) -> DoneBeforeError | None:
        """This work completed earlier in the same batch (a batch run again by ``jobs
        resume``) though its saved result is no longer there: it is not paid again."""
        if self.batch_id is None:
            return None
        for work in (item.fingerprint, *item.alternates):
            found = self.journal.completed_in_batch(self.batch_id, work)
            if found is not None:
                return DoneBeforeError(
                    f"{item.input}: translated in this batch before (job {found}), but its "
                    "saved result was moved or changed since; not paid again: "
                    f"`transhub jobs download {found}` saves it again"
                )
        return None

    def adopt(self, holder: Holder) -> Job | None:
        """The orphan ``holder`` names, now owned by this process (``None``: another
        process adopted it first)."""
        if not self.journal.adopt(holder, self.owner):
            return None
        heartbeat(self.journal)  # after the commit: see Heartbeat
        log.info("adopted job %s (its owner %s stopped)", holder.job_id, holder.owner)
        job = self.journal.get(holder.job_id)
        if job.request.queued:  # submitted with --queue: the results store
            from transhub.cluster.placement import into_store
            from transhub.store import configured_store

            try:
                job = into_store(configured_store(self.hub.settings), self.journal, job)
            except BaseException:
                self.journal.release(job.id, self.owner)
                raise
        return job

    @contextmanager
    def working(self, job: Job) -> Iterator[Job]:
        """Work on an owned job; if the work stops before the job is final (an error,
        Ctrl-C), give the job up so that the next run adopts it at once."""
        try:
            yield job
        finally:
            self.channels.release(job.id, running=True)  # none is left held by it
            # A final state this process recorded needs no look at the journal.
            if not job.state.is_final:
                state, owner, _ = self.journal.state_of(job.id)
                if not state.is_final and owner == self.owner:
                    self.journal.release(job.id, self.owner)

    def await_holder(self, holder: Holder, label: str) -> JobState:
        """Wait, polling the journal, until another live owner's job is final or
        orphaned; its state then.  Says once that it waits (a progress event)."""
        core = self.hub.settings
        delay = core.poll_interval
        deadline = time.monotonic() + core.task_timeout
        if self.on_status is not None:
            self.on_status(
                holder.job_id,
                TaskStatus(
                    state=TaskState.QUEUED,
                    message=f"waiting for job {holder.job_id}, which holds the same work",
                ),
            )
        while True:
            state, owner, lease = self.journal.state_of(holder.job_id)
            if state.is_final or not owner_alive(owner, lease):
                return state
            if time.monotonic() > deadline:
                raise TransientError(
                    f"{label}: job {holder.job_id} of another process is still {state.value} "
                    f"after {core.task_timeout:g}s; run the command again later"
                )
            if self.stop.wait(delay):
                raise Interrupted("interrupted while waiting for another process's job")
            delay = min(delay * 1.5, core.poll_max_interval)

    # -- shared steps ----------------------------------------------------------------

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Interrupted("interrupted before submitting")

    def submit(
        self,
        job: Job,
        implementation: Implementation[Any, Any],
        call: Callable[[], str],
        *,
        record_failure: bool = True,
    ) -> str:
        """Submit through ``implementation``, recording the outcome: the task id (in
        the journal and in the provider's task memory), a failure that cost nothing,
        or a failure of unknown fate (the job stays ``submitting``: "may have been
        submitted").  ``sending_at`` is written first, and only while this process
        still owns the job.  Without ``record_failure``, a failure of known fate is
        left for the caller to record (the fallback may move the job instead)."""
        self._check_stop()
        lost = ClaimLostError(f"job {job.id} was taken over by another process")
        try:
            # The channel and the sending mark: one transaction (none if not owned).
            marked = self.hold_channel(job, sending=now())
        except OwnershipLost:
            raise lost from None
        if not marked and not self.journal.begin_sending(job.id, self.owner):
            self.channels.release(job.id)
            raise lost
        try:
            with reporting_waits(self._waiting(job)):
                task_id = call()
        except BaseException as exc:
            # A submit of unknown fate may have started the task: its channel stays
            # taken until its lease lapses (or a resume takes it over).
            maybe = not isinstance(exc, TranshubError) or unknown_fate(exc)
            self.channels.release(job.id, running=maybe)
            if not isinstance(exc, TranshubError):
                raise
            if unknown_fate(exc):
                self.journal.update(
                    job.id, message="may have been submitted", error=str(exc), error_kind=exc.kind
                )
            elif record_failure:
                self.fail(job, exc)
            raise
        stamp = now()
        self.journal.update(
            job.id,
            state=JobState.RUNNING,
            task_id=task_id,
            submitted_at=stamp,
            message="",
            error=None,
            error_kind=None,
        )
        implementation.tasks.submitted(task_id, epoch(stamp))
        job.task_id, job.state, job.submitted_at = task_id, JobState.RUNNING, stamp
        self._submitted_here.add(job.id)
        return task_id

    def hold_channel(self, job: Job, *, sending: str | None = None) -> bool:
        """Take one of the provider account's channels for ``job`` (shared through the
        journal by every process), waiting — and saying so — while all are busy;
        ``sending`` as for :meth:`Channels.hold` (whether it was recorded)."""
        if self.channels.holds(job.id):  # taken for its submit: nothing to look up
            return False
        cls = self.hub.route(Capability(job.capability), provider=job.provider)
        info = cls.provider
        settings = self.hub.provider_settings(cls)
        public = info.account(settings) if info.account is not None else ""
        count = max(1, int(info.max_concurrent_tasks(settings)))
        channels = Channels(info.name, account_of(info.name, public), count)
        return self.channels.hold(job.id, channels, self._waiting(job), sending=sending)

    def _waiting(self, job: Job) -> Callable[[str], None] | None:
        """What a provider's wait for capacity (a busy channel) reports: a progress
        event saying what the job waits for."""
        listener = self.on_status
        if listener is None:
            return None
        return lambda message: listener(job.id, TaskStatus(state=TaskState.QUEUED, message=message))

    def fail(self, job: Job, exc: TranshubError) -> None:
        """Record a job as failed (nothing more to do for it)."""
        self.journal.update(job.id, state=JobState.FAILED, error=str(exc), error_kind=exc.kind)
        job.state = JobState.FAILED

    def wait(
        self,
        job: Job,
        implementation: Implementation[Any, Any],
        fetch: Callable[[str], TaskStatus],
    ) -> TaskStatus:
        """Poll a running job's task until final; record it finished — in the journal
        and in the provider's task memory — or failed, or expired (raising the
        matching error)."""
        assert job.task_id is not None

        def update(task_id: str, status: TaskStatus) -> None:
            # A final status is recorded once, with the job's final state, below.
            if not status.state.is_final:
                self.journal.update(
                    job.id, percent=status.percent, pages=status.pages, message=status.message
                )
            if self.on_status is not None:
                self.on_status(job.id, status)

        fresh = job.id in self._submitted_here
        self.hold_channel(job)  # an adopted job's running task holds one too
        try:
            status = self.hub.wait(fetch, job.task_id, update, stop=self.stop, fresh=fresh)
        except BaseException:
            self.channels.release(job.id, running=True)  # it runs on remotely (Ctrl-C...)
            raise
        # Done remotely: its downloads need no channel.  The channel's release and
        # the job's final status are one transaction.
        seen = {"percent": status.percent, "pages": status.pages, "message": status.message}
        if status.state is TaskState.FAILED:
            message = status.message or "no reason given"
            failed = {"state": JobState.FAILED, "error": message, "error_kind": "job-failed"}
            self.channels.release(job.id, update={**seen, **failed})
            raise JobFailedError(
                f"{job.provider} task {job.task_id} failed: {message}",
                provider=job.provider,
                code=status.code,
                provider_message=status.message or None,
            )
        if status.state is TaskState.EXPIRED:
            expired = {"error": status.message, "error_kind": "result-expired"}
            self.channels.release(job.id, update={**seen, "state": JobState.EXPIRED, **expired})
            raise ResultExpiredError(
                f"the result of {job.provider} task {job.task_id} has expired",
                provider=job.provider,
            )
        stamp = now()
        fields: dict[str, Any] = {**seen, "percent": 100.0}
        if status.billed_characters is not None:  # what the provider billed, where it says
            fields["billed_characters"] = status.billed_characters
            job.billed_characters = status.billed_characters
        fields.update(state=JobState.FINISHED, finished_at=stamp)
        self.channels.release(job.id, update=fields)
        implementation.tasks.finished(job.task_id, datetime.fromisoformat(stamp).timestamp())
        job.state, job.finished_at = JobState.FINISHED, stamp
        return status

    @staticmethod
    def remind(implementation: Implementation[Any, Any], job: Job) -> None:
        """Before resuming, adopting or downloading a journalled task, hand the
        provider's task memory what the journal knows of it (a provider that forgets
        finished results can then tell "expired" from "unknown", in any process)."""
        if job.task_id:
            implementation.tasks.submitted(job.task_id, epoch(job.submitted_at))
            finished = epoch(job.finished_at)
            if finished is not None:
                implementation.tasks.finished(job.task_id, finished)

    def record_failure(self, job: Job, exc: TranshubError) -> None:
        """An expired result is final: record it so that it is not retried forever."""
        if isinstance(exc, ResultExpiredError):
            self.journal.update(job.id, state=JobState.EXPIRED, error=str(exc), error_kind=exc.kind)

    def intact(self, holder: Holder) -> Item | None:
        """The completed item ``holder`` names, if its saved files are all still on
        disk and unchanged (checked by SHA-256)."""
        item = self.journal.item(holder.job_id, holder.position)
        outputs = item.outputs
        if outputs and all(
            Path(o["path"]).is_file() and file_digest(Path(o["path"])) == o["sha256"]
            for o in outputs.values()
        ):
            return item
        return None

    def record_reuse(
        self,
        provider: str,
        capability: Capability,
        request: JobRequest,
        item: Item,
        outputs: dict[str, Any],
        code: str | None = None,
    ) -> Job:
        """A completed job recording that ``item``'s result was copied from identical
        work — written in one transaction, so no process ever sees it half-made."""
        item.state = ItemStatus.REUSED
        item.outputs = outputs
        item.code = code
        item.message = "reused the result of an identical earlier job"
        return self.journal.create(
            provider=provider,
            capability=capability,
            request=request,
            items=[item],
            state=JobState.COMPLETED,
            message="reused",
            batch_id=self.batch_id,
        )

    # -- resume ----------------------------------------------------------------------

    def resume(self, job_id: str) -> Any:
        """Finish one unfinished job from its recorded state, if no live process is
        working on it (then wait for that one instead)."""
        job = self.journal.get(job_id)
        while not job.state.is_final:
            holder = Holder(job.id, 0, job.state, job.owner, job.lease_until, job.sending_at)
            if holder.orphan:
                adopted = self.adopt(holder)
                if adopted is not None:
                    with self.working(adopted):
                        return self.driver(adopted.capability).drive(
                            adopted, resubmit=self.resubmit
                        )
            else:
                self.await_holder(holder, f"job {job.id}")
            job = self.journal.get(job_id)
        return None
