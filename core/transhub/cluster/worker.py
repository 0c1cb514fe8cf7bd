"""``transhub worker``: a procrastinate worker that runs journal jobs.

Each queued entry names a journal job.  The worker adopts it — the same single
transaction as any process adopting an orphan, so two workers never both work on one
job — points it at the results store and drives it through the runner from its
recorded state: submit when nothing was sent, else poll and download (adopting never
uploads again).  A job another live process owns, or that is final, is left alone.

Beside the procrastinate worker runs the *reconciler*: every few seconds it puts on
the queue each live queued job that is unowned (or whose owner died) and waits in no
queue entry — a submitter killed between its commit and its enqueue, a worker killed
mid-job (its stale ``doing`` entry is not trusted: only the journal's owner is).

SIGTERM (or Ctrl-C) stops fetching, lets each running job finish its current step —
a poll gives way at once — and hands the job back (its lease released and the job
enqueued again, so another worker takes it over at once).  A lost database stops the
fetching; the worker says so once on stderr and reconnects with back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from transhub.cluster.placement import recorded_outputs
from transhub.cluster.queue import (
    TASK,
    apply_schema,
    enqueue,
    make_app,
    priority,
    queued_ids,
    raise_priority,
)
from transhub.cluster.submit import cluster_url
from transhub.errors import Interrupted, NotFoundError, TranshubError, TransientError
from transhub.jobs.claims import Holder
from transhub.jobs.owners import owner_alive
from transhub.jobs.runner import MaybeSubmittedError

if TYPE_CHECKING:
    import procrastinate

    from transhub.api import Hub

log = logging.getLogger("transhub.cluster")

UNFINISHED = ("submitting", "running", "finished")
#: Seconds a job waits for a provider channel inside a worker's slot before it looks
#: whether to hand itself back to the queue: jobs waiting for channels must not fill
#: every slot while an orphan whose task holds a channel waits in the queue for a slot
#: to adopt it.  With no such job queued it waits on (handing back every 3 s made
#: each waiting job go round the queue again: 3.6 queue entries per job with 4
#: workers in rows 30-31).
CHANNEL_WAIT = 3.0
#: Whether a job whose task runs remotely (queue priority 1) waits for a worker.
_RUNNING_QUEUED = (
    "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs"
    " WHERE status = 'todo' AND priority > 0 AND task_name = ?) AS waiting"
)
#: The longest wait between two attempts to reach a lost database.
MAX_BACKOFF = 30.0
#: How long a worker that lost its database waits for procrastinate to wind down.
SHUTDOWN_TIMEOUT = 5.0


def say(message: str) -> None:
    """One line on stderr."""
    print(f"transhub worker: {message}", file=sys.stderr, flush=True)


def where(url: str) -> str:
    """The database a URL names, without its password (for messages)."""
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(url)
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


class Worker:
    """One ``transhub worker`` process."""

    def __init__(
        self,
        hub: Hub,
        *,
        concurrency: int = 4,
        queues: Sequence[str] = (),
        reconcile_every: float = 2.0,
    ) -> None:
        from transhub.store import configured_store

        self.hub = hub
        self.journal = hub.journal
        self.url = cluster_url(self.journal)
        self.store = configured_store(hub.settings)
        self.concurrency = concurrency
        self.queues = list(queues)
        self.reconcile_every = reconcile_every
        #: Set on SIGTERM: every running job hands its claim back at its next step.
        self.stop = threading.Event()
        self._enqueuer: procrastinate.App | None = None
        #: Whether the database is gone (said once per outage).
        self._lost = False
        self._enqueuer_lock = threading.Lock()

    # -- the task ----------------------------------------------------------------------

    def execute(self, job_id: str) -> None:
        """Run journal job ``job_id`` to its end, unless it is final or another live
        process works on it (this runs in a thread of the worker's pool).  A failure
        is one line on stderr: the journal has the job's state, and a job left live
        is enqueued again by a reconciler."""
        try:
            self._execute(job_id)
        except TranshubError as exc:
            say(f"job {job_id}: {exc}")

    def _execute(self, job_id: str) -> None:
        journal = self.journal
        job = journal.get(job_id)
        if job.state.is_final or owner_alive(job.owner, job.lease_until):
            return
        if self.queues and job.provider not in self.queues:
            return  # on another provider's queue (the reconciler's enqueue chose it)
        runner = self.hub.runner(stop=self.stop)
        runner.channels.timeout = CHANNEL_WAIT
        runner.channels.give_way = self._running_job_waits
        holder = Holder(job.id, 0, job.state, job.owner, job.lease_until, job.sending_at)
        adopted = runner.adopt(holder)
        if adopted is None:
            return  # another worker adopted it first
        try:
            with runner.working(adopted):
                runner.driver(adopted.capability).drive(adopted, resubmit=False)
        except Interrupted:
            self._requeue(job_id, job.provider)  # handed back: another worker takes it now
            return
        except TransientError:
            after = journal.get(job_id)
            if after.state.value != "submitting" or after.sending_at is not None:
                raise
            # Nothing was sent (every channel stayed busy, or the network failed before
            # the paid request): back to the queue, for this worker or another.
            self._requeue(job_id, job.provider)
            return
        except MaybeSubmittedError as exc:
            # Its owner died after the paid request left, and the provider would not
            # refuse a duplicate: a person decides (`jobs resume --resubmit`).  The error
            # recorded keeps the reconciler from enqueueing it again.
            journal.update(job_id, error=str(exc), error_kind=exc.kind)
            raise
        self.store.commit(job_id, recorded_outputs(journal.get(job_id)))

    def _running_job_waits(self) -> bool:
        """Whether a queued job whose task runs remotely waits for a slot (then a job
        waiting for a channel gives its slot up)."""
        rows = self.journal.backend.read(_RUNNING_QUEUED, (TASK,))
        return bool(rows and rows[0]["waiting"])

    def _requeue(self, job_id: str, provider: str) -> None:
        state = self.journal.get(job_id).state.value
        self._enqueue([(job_id, provider, priority(state))])

    def _enqueue(self, jobs: list[tuple[str, str, int]]) -> int:
        with self._enqueuer_lock:
            if self._enqueuer is None:
                self._enqueuer = make_app(self.url).open()
            return enqueue(self._enqueuer, jobs)

    # -- the reconciler ------------------------------------------------------------------

    def reconcile(self) -> int:
        """Enqueue every live queued job that nobody works on and no queue entry waits
        for; how many."""
        journal = self.journal
        waiting = queued_ids(self.url, statuses=("todo",))
        outbox = []
        remote = []  # queued already, its task running remotely, nobody on it
        for row in journal.summaries(states=list(UNFINISHED)):
            job_id = row["job_id"]
            if row["sending_at"] and row["error"]:
                continue  # refused as "may have been submitted"
            state, owner, lease = journal.state_of(job_id)
            if owner_alive(owner, lease):
                continue
            if job_id in waiting:
                if priority(state.value):
                    remote.append(job_id)
                continue
            job = journal.get(job_id)
            if job.request.queued and (not self.queues or job.provider in self.queues):
                outbox.append((job_id, job.provider, priority(job.state.value)))
        if remote:
            raise_priority(self.url, remote)
        return self._enqueue(outbox) if outbox else 0

    async def _reconciling(self) -> None:
        while not self.stop.is_set():
            count = await asyncio.to_thread(self.reconcile)
            if count:
                log.info("reconciler: enqueued %d unowned jobs", count)
            await asyncio.sleep(self.reconcile_every)

    # -- running ----------------------------------------------------------------------

    def _probe_journal(self) -> None:
        """Reach the journal (its connection, cut during an outage, is opened anew by
        the first statement that fails on it)."""
        for attempt in range(2):
            try:
                self.journal.state_of("-")  # no such job: a cheap round trip
            except NotFoundError:
                return
            except TranshubError:
                if attempt:
                    raise

    def warm(self) -> None:
        """Load before serving what a first job would load while the clock runs (about
        a second of imports on a loaded machine: the plugins, their clients, the HTTP
        stack, the drivers): each provider this worker serves whose settings are
        complete gets its client and HTTP session now.  A provider that cannot be
        set up is left for its first job to report."""
        from transhub.capabilities.kinds import Capability
        from transhub.jobs.drivers import documents, images  # noqa: F401

        for name, implementations in self.hub.registry.providers().items():
            if self.queues and name not in self.queues:
                continue
            for capability, cls in implementations.items():
                if capability not in (Capability.DOCUMENT, Capability.CONVERT, Capability.IMAGE):
                    continue
                try:
                    if not self.hub.provider_settings(cls).missing():
                        _ = self.hub.instance(cls).context.http.session  # requests, set up
                except TranshubError:
                    continue
        # Uploads stream through requests_toolbelt's encoder, imported on first use.
        import requests_toolbelt.multipart.encoder  # noqa: F401

    def run(self) -> int:
        """Serve until SIGTERM or Ctrl-C; the exit code."""
        self.warm()
        # procrastinate and psycopg's pool log every job and every failed connection:
        # this worker says what matters in one line (and -v shows transhub's log).
        for name in ("procrastinate", "psycopg"):
            logging.getLogger(name).addHandler(logging.NullHandler())
            logging.getLogger(name).propagate = False
        return asyncio.run(self._main())

    async def _main(self) -> int:
        loop = asyncio.get_running_loop()
        # procrastinate runs synchronous tasks in the loop's default executor: one
        # thread per concurrent job, and a few for the reconciler and the journal.
        loop.set_default_executor(ThreadPoolExecutor(max_workers=self.concurrency + 4))
        current = asyncio.current_task()
        assert current is not None

        def terminate() -> None:
            if not self.stop.is_set():
                say("stopping: running jobs finish their step and are handed back")
                self.stop.set()
            current.cancel()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, terminate)
        delay = 1.0
        try:
            while not self.stop.is_set():
                try:
                    await asyncio.to_thread(apply_schema, self.url)
                    await asyncio.to_thread(self._probe_journal)
                    if self._lost:
                        say(f"reconnected to {where(self.url)}")
                        self._lost, delay = False, 1.0
                    await self._serve()
                except asyncio.CancelledError:
                    break
                except Exception as exc:
                    if not _database_error(exc):
                        raise
                    self._say_lost(exc)
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_BACKOFF)
        finally:
            if self._enqueuer is not None:
                with contextlib.suppress(Exception):
                    self._enqueuer.close()
        say("stopped")
        return 0

    def _say_lost(self, exc: BaseException) -> None:
        """Say once per outage that the database is gone (and what it said)."""
        if not self._lost:
            say(
                f"lost the database {where(self.url)} ({_first_line(exc)}); "
                "not claiming jobs, retrying the connection with back-off"
            )
            self._lost = True

    async def _serve(self) -> None:
        app = make_app(self.url)
        app.task(name=TASK, pass_context=False)(self.execute)
        async with app.open_async():
            say(
                f"serving {', '.join(self.queues) or 'every queue'} on {where(self.url)} "
                f"({self.concurrency} at once)"
            )
            reconciler = asyncio.create_task(self._reconciling())
            # No queues named: every queue (procrastinate's default).
            chosen: dict[str, Any] = {"queues": self.queues} if self.queues else {}
            serving = asyncio.create_task(
                app.run_worker_async(
                    **chosen,
                    concurrency=self.concurrency,
                    install_signal_handlers=False,
                    fetch_job_polling_interval=1.0,
                    name=f"transhub-{self.hub.runner().owner}",
                )
            )
            try:
                done, _ = await asyncio.wait(
                    {reconciler, serving}, return_when=asyncio.FIRST_EXCEPTION
                )
                for task in done:
                    exc = task.exception()
                    if exc is not None and _database_error(exc):
                        self._say_lost(exc)  # now: the shutdown below may wait for it
                    task.result()
            finally:
                for task in (reconciler, serving):
                    task.cancel()
                # procrastinate waits for the running jobs, which give way (self.stop),
                # then unregisters the worker: without a database, not for ever.
                ending = asyncio.gather(reconciler, serving, return_exceptions=True)
                with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(ending, SHUTDOWN_TIMEOUT if self._lost else None)


def _database_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached (then: retry, not crash)."""
    import psycopg
    from procrastinate.exceptions import ConnectorException

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ConnectorException, psycopg.OperationalError, OSError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def serve(hub: Hub, **options: Any) -> int:
    """Run a worker over ``hub`` (see :class:`Worker`) until stopped; the exit code."""
    return Worker(hub, **options).run()
