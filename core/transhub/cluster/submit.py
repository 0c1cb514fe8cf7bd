"""Submitting to the cluster (``--queue``): validated plans recorded in the journal as
unowned jobs in ``submitting`` (nothing sent), then put on the queue.

The journal row is the truth and the queue an outbox: each claim commits first, and
only then are the new jobs enqueued (``queueing_lock=job_id``: at most once in the
queue).  A submitter killed between the two leaves unowned jobs that no queue entry
names; the reconciler of every ``transhub worker`` enqueues them.  An input whose work
a job already holds — a duplicate in this submission, another submitter's, an earlier
result — is that job (the journal's fingerprint claims), and is paid once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.cluster.queue import priority
from transhub.errors import ConfigurationError, TranshubError, TransientError
from transhub.jobs.claims import Holder
from transhub.jobs.model import Item, JobState
from transhub.jobs.owners import this_process

if TYPE_CHECKING:
    import procrastinate

    from transhub.api import Hub
    from transhub.capabilities.image import ImageOptions
    from transhub.jobs.plans import ConvertPlan, DocumentPlan
    from transhub.jobs.requests import ConvertJobRequest, DocumentJobRequest, JobRequest
    from transhub.journal import Journal
    from transhub.store import ResultsStore


#: The largest number of inputs claimed (and enqueued) in one transaction.
CHUNK = 32


def cluster_url(journal: Journal) -> str:
    """The PostgreSQL URL of a cluster journal; a one-line error for any other."""
    url = str(getattr(getattr(journal, "location", None), "url", None) or "")
    if not url.startswith(("postgresql://", "postgres://")):
        shown = getattr(journal, "shown", None) or getattr(journal, "path", "")
        raise ConfigurationError(
            f"--queue and `transhub worker` need a PostgreSQL journal, and this one is "
            f"{shown}: set journal.url (TRANSHUB_JOURNAL_URL) to postgresql://… "
            "(see docs/cluster.md)"
        )
    return url


@dataclass(frozen=True)
class Submitted:
    """One input of a submission and the job that holds its work."""

    input: str
    job_id: str
    provider: str
    capability: str
    state: str

    def record(self) -> dict[str, Any]:
        """The input's record (``--json``), in the shared vocabulary."""
        return {
            "input": self.input,
            "job_id": self.job_id,
            "provider": self.provider,
            "capability": self.capability,
            "state": self.state,
        }


class Submission:
    """Plans recorded as queued jobs; :meth:`enqueue` after every claim committed."""

    def __init__(self, hub: Hub) -> None:
        from transhub.store import configured_store

        self.hub = hub
        self.journal = hub.journal
        self.url = cluster_url(self.journal)
        self.store: ResultsStore = configured_store(hub.settings)
        self.owner = str(this_process())
        self.submitted: list[Submitted] = []
        #: ``job_id -> (provider, priority)`` to put on the queue (the outbox).
        self._outbox: dict[str, tuple[str, int]] = {}
        self._app: procrastinate.App | None = None

    def documents(self, plans: list[DocumentPlan], *, force: bool) -> None:
        """Record document translations (one job each)."""
        from transhub.jobs.drivers.documents import DocumentDriver

        self._singles("document", [(p, *DocumentDriver.parts(p)) for p in plans], force)

    def conversions(self, plans: list[ConvertPlan], *, force: bool) -> None:
        """Record conversions (one job each)."""
        from transhub.jobs.drivers.documents import ConvertDriver

        self._singles("convert", [(p, *ConvertDriver.parts(p)) for p in plans], force)

    def _singles(
        self,
        capability: str,
        parts: list[tuple[Any, Item, DocumentJobRequest | ConvertJobRequest]],
        force: bool,
    ) -> None:
        """One job per input, claimed (and enqueued) in chunks that double from the
        provider's channel count up to :data:`CHUNK`: the workers start a task on
        every channel at once (chunks that began at one input started the 8th channel
        ~0.5 s after the first, and each channel's chain of tasks that much later), and
        a batch of N inputs costs a few dozen transactions, not a few per input."""
        chunk: list[tuple[str, Item, JobRequest]] = []
        size = min(self._channels(parts[0][0].implementation), CHUNK) if parts else 1
        for plan, item, request in parts:
            assert item.input_sha256 is not None
            self.store.stage(request.path, item.input_sha256)
            # Named only: the worker puts it in the store, under the job's id.
            item.plan = {"document": plan.destination.name}
            queued = request.model_copy(update={"queued": True, "overwrite": False})
            chunk.append((plan.provider, item, queued))
            if len(chunk) >= size:
                self._claim_singles(capability, chunk, force)
                chunk, size = [], min(size * 2, CHUNK)
        self._claim_singles(capability, chunk, force)

    def _channels(self, implementation: Any) -> int:
        """How many tasks of the account the provider runs at once (its channels)."""
        info = implementation.provider
        try:
            return max(
                1, int(info.max_concurrent_tasks(self.hub.provider_settings(implementation)))
            )
        except TranshubError:
            return 1  # its settings are the workers' business

    def _claim_singles(
        self, capability: str, chunk: list[tuple[str, Item, JobRequest]], force: bool
    ) -> None:
        """Claim a chunk of single-input jobs, one claim per run of one provider."""
        start = 0
        while start < len(chunk):
            provider = chunk[start][0]
            end = start
            while end < len(chunk) and chunk[end][0] == provider:
                end += 1
            run = chunk[start:end]
            # A repeated input is claimed once (by its first occurrence's request).
            requests: dict[str, JobRequest] = {}
            for _provider, item, request in run:
                requests.setdefault(item.fingerprint, request)
            self._claim(
                provider, capability, _first_request(requests),
                [item for _provider, item, _request in run], per_job=1, force=force,
            )  # fmt: skip
            start = end

    def images(
        self,
        inputs: list[str],
        target: str,
        *,
        source: str | None,
        provider: str | None,
        options: ImageOptions,
        force: bool,
    ) -> None:
        """Record an image batch: tasks of the provider's size, as a local run makes."""
        from transhub.jobs.drivers.images import ImageDriver

        # Validated and routed as a local run; the results go to the store, not here.
        plan = self.hub.prepare_images(
            inputs, target, source=source, provider=provider, options=options, overwrite=True
        )
        request, items = ImageDriver.recorded(plan)
        for item in items.values():
            if item.input_sha256:
                self.store.stage(Path(item.plan["path"]), item.input_sha256)
        # The folder is the store's, set by the worker that places the job.
        request = request.model_copy(
            update={"queued": True, "output_dir": None, "overwrite": False}
        )
        unique = plan.images
        claimed = self._claim(
            plan.provider, "image", lambda _items: request, [items[s] for s in unique],
            per_job=plan.implementation.max_per_task, force=force,
        )  # fmt: skip
        by_source = dict(zip(unique, claimed, strict=True))
        # In input order, repeats included (each is its first occurrence's job).
        self.submitted.extend(
            Submitted(s.label, *by_source[s][1:]) for s in plan.inputs if s in by_source
        )  # fmt: skip

    def _claim(
        self,
        provider: str,
        capability: str,
        request: Callable[[list[Item]], JobRequest],
        items: list[Item],
        *,
        per_job: int,
        force: bool,
    ) -> list[tuple[str, str, str, str, str]]:
        """Claim ``items``; the new jobs are released at once (unowned: for a worker)
        and go to the outbox, as do orphaned queued jobs that hold the same work."""
        slots = self.journal.claim(
            provider=provider, capability=capability, request=request,
            items=items, owner=self.owner, per_job=per_job, force=force,
        )  # fmt: skip
        rows = []
        new: dict[str, None] = {}
        for item, slot in zip(items, slots, strict=True):
            state = JobState.SUBMITTING.value
            holder = slot.holder
            if holder is None or (holder.owner == self.owner and slot.job_id in new):
                new[slot.job_id] = None  # this claim's job (or a repeat of its input)
                self._outbox[slot.job_id] = (provider, 0)
            else:
                state = self._held(holder, provider)
            rows.append((item.input, slot.job_id, provider, capability, state))
        self.journal.release_all(list(new), self.owner)  # one transaction
        if capability != "image":
            self.submitted.extend(Submitted(*row) for row in rows)
        self.enqueue()  # committed: the workers may start on these now
        return rows

    def _held(self, holder: Holder, provider: str) -> str:
        """The state of the job that holds an input's work; an orphaned queued one is
        put on the queue again (its worker died before the reconciler saw it)."""
        if (
            holder.orphan
            and not holder.may_have_been_submitted
            and self.journal.get(holder.job_id).request.queued
        ):
            self._outbox[holder.job_id] = (provider, priority(holder.state.value))
        return holder.state.value

    def enqueue(self) -> int:
        """Put the recorded jobs not yet on the queue on their providers' queues; how
        many were put.  Called after each claim (so workers start on the first jobs
        while later ones are still being recorded) and at the end."""
        from transhub.cluster.queue import enqueue, make_app

        if not self._outbox:
            return 0
        if self._app is None:
            self._app = make_app(self.url).open()
        outbox, self._outbox = self._outbox, {}
        try:
            return enqueue(self._app, [(job, *where) for job, where in outbox.items()])
        except TransientError:
            self._outbox.update(outbox)  # still to be queued (close() tries once more)
            raise

    def close(self) -> None:
        """Enqueue what is left and close the queue's connection."""
        try:
            self.enqueue()
        finally:
            if self._app is not None:
                self._app.close()
                self._app = None


def _first_request(
    requests: dict[str, JobRequest],
) -> Callable[[list[Item]], JobRequest]:
    """A single-input job's request: its input's, by fingerprint."""
    return lambda items: requests[items[0].fingerprint]
