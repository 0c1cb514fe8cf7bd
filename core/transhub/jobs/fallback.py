"""Fallback: moving work a provider refused *before any payment* to the next candidate.

With ``--fallback`` (the setting ``routing.fallback``, ``fallback=True`` in the API),
a request the router sent to its first candidate (:func:`transhub.router.candidates`)
moves on to the next one when the provider turned it away for its own account or
capacity — quota or balance used up, throttling that outlasted the retry budget,
every channel busy.  That is exactly an error whose ``refused`` flag the provider's
status-to-error map set (:attr:`transhub.errors.TranshubError.refused`) and whose
fate is known (:func:`transhub.jobs.runner.unknown_fate` is false): the provider
started no task and charged nothing, so the next provider cannot make it pay twice.

Never after a provider may have started a paid task: a dropped connection after the
upload left, or a 5xx answering it, leaves the job "may have been submitted", and no
other provider is tried.  A provider named with ``--provider`` has no fallbacks.

A journalled job (a document) stays one job: each refused attempt is appended to its
``attempts`` (provider, error code, message, time) and its provider becomes the one
that took it.  Its items' fingerprints are always those of the provider that took
(or is taking) the work, never a chain of candidates: the move rewrites them with
the new provider's request in the same transaction that records the attempt and
the new provider (:meth:`transhub.journal.Journal.move`), which also claims them —
if another process holds that work already (it named the new provider itself), the
job does not move and the run uses that process's work instead
(:class:`HeldElsewhere`).  Before anything is sent, the claim looks at the same
work's fingerprint at every candidate in order (``Item.alternates``), so a rerun
with or without ``--fallback`` reuses, waits for or adopts whatever any candidate
did, and pays nothing again.

An image task moves the same way when the next candidate takes it whole
(:func:`move_images`); when that candidate takes fewer images a task, or holds some
of them already, the task is recorded superseded and the batch claims its images
again there (:class:`Regrouped`): the held ones are reused, only the rest are paid.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from transhub.capabilities.kinds import Capability
from transhub.errors import Interrupted, JobFailedError, TranshubError
from transhub.jobs.channels import ChannelsBusyError
from transhub.jobs.model import Job, JobState, now
from transhub.jobs.runner import ClaimLostError, unknown_fate
from transhub.polling import busy_fails_fast
from transhub.router import named_by

if TYPE_CHECKING:
    from transhub.capabilities.base import Implementation
    from transhub.capabilities.image import ImageTranslator
    from transhub.jobs.requests import FallbackSpec, JobRequest
    from transhub.jobs.runner import Runner
    from transhub.planning.documents import DocumentPlanning
    from transhub.planning.images import ImagePlanning
    from transhub.pool import ProviderPool
    from transhub.router import Need

log = logging.getLogger("transhub.router")

T = TypeVar("T")


def enabled(hub: ProviderPool, fallback: bool | None) -> bool:
    """Whether to fall back: the argument when given, else ``routing.fallback``."""
    return hub.settings.routing.fallback if fallback is None else fallback


def alternatives(
    hub: ProviderPool,
    capability: Capability,
    chosen: str,
    *,
    provider: str | None,
    need: Need | None,
) -> tuple[str, ...]:
    """The candidates after ``chosen``, in routing order (none for ``--provider``)."""
    if provider is not None or len(hub.registry.implementations(capability)) < 2:
        return ()
    try:
        ranked = hub.candidates(capability, need=need, report=False)
    except TranshubError:
        return ()
    return tuple(c.name for c in ranked if c.name != chosen)


def _supersede(runner: Runner, job: Job, exc: TranshubError, held: HeldElsewhere) -> None:
    """Record ``job`` failed as :data:`SUPERSEDED` (its work is ``held``'s provider's
    now), the refused attempt appended."""
    runner.journal.update(
        job.id,
        state=JobState.FAILED,
        error=str(held),
        error_kind=SUPERSEDED,
        attempts=[*job.attempts, attempt(exc, job.provider)],
    )


class HeldElsewhere(JobFailedError):
    """A job could not move to the next candidate: another job already holds the
    same work there.  This job is recorded failed (nothing of it was paid) with the
    ``error_kind`` :data:`SUPERSEDED` — not a failure of the work, which a batch run
    again must not skip; the run claims again and reuses, waits for or adopts that
    job."""


class Regrouped(HeldElsewhere):
    """An image task that could not move whole: the next candidate that takes its
    images takes fewer in one task, or some of its images are held there by another
    job already.  The task is recorded superseded (nothing of it was paid) and the
    batch claims its images again at :attr:`provider` — in tasks of that provider's
    size, the held images reused, waited for or adopted, only the others paid."""


#: The ``error_kind`` of a job that gave its work up to another (see HeldElsewhere).
SUPERSEDED = "superseded"


def movable(exc: TranshubError) -> bool:
    """Whether ``exc`` refused the request before any payment (see the module)."""
    return exc.refused and not unknown_fate(exc)


def attempt(exc: TranshubError, provider: str) -> dict[str, Any]:
    """One refused attempt as ``jobs.attempts`` records it."""
    return {
        "provider": exc.provider or provider,
        "error": exc.kind,
        "code": exc.code,
        "message": exc.message,
        "at": now(),
    }


def suggest(exc: TranshubError, others: Sequence[str]) -> TranshubError:
    """``exc`` with a hint naming ``--fallback`` when another candidate could take it."""
    if movable(exc) and others and "--fallback" not in (exc.hint or ""):
        said = f"or let the next provider take it: --fallback (then: {', '.join(others)})"
        exc.hint = f"{exc.hint}; {said}" if exc.hint else said
    return exc


def _moving(capability: Capability, exc: TranshubError, provider: str, to: str) -> None:
    log.info(
        "fallback %s: %s refused it before any payment (%s: %s); moving to %s",
        capability.value,
        provider,
        exc.kind,
        exc.message,
        to,
    )


def serve(
    hub: ProviderPool,
    capability: Capability,
    first: type[Implementation[Any, Any]],
    others: Sequence[str],
    call: Callable[[type[Implementation[Any, Any]]], T],
    *,
    fallback: bool,
) -> T:
    """``call(first)``; with ``fallback``, ``call`` of each of ``others`` in turn while
    the previous one refused before any payment (a short request: text, OCR, a
    dictionary look-up — nothing journalled).  A busy provider with another behind it
    is not waited for."""
    chain_ = [first.provider.name, *others] if fallback else [first.provider.name]
    for index, name in enumerate(chain_):
        if index == 0:
            cls = first
        else:
            with named_by(f"fallback from {chain_[index - 1]}"):
                cls = hub.route(capability, provider=name)
        later = index + 1 < len(chain_)
        try:
            with busy_fails_fast(later):
                return call(cls)
        except TranshubError as exc:
            if not later or not movable(exc):
                if not fallback:
                    suggest(exc, others)
                raise
            _moving(capability, exc, name, chain_[index + 1])
    raise AssertionError("unreachable")  # pragma: no cover


def _spec(job: Job) -> FallbackSpec:
    """The job's fallback: a document's or an image task's (a conversion never moves,
    nor does an image task submitted with ``--queue``: its worker has no batch to
    claim the images of a regrouped task again)."""
    from transhub.jobs.requests import DocumentJobRequest, FallbackSpec, ImageJobRequest

    request = job.request
    if isinstance(request, DocumentJobRequest):
        return request.fallback
    if isinstance(request, ImageJobRequest) and not request.queued:
        return request.fallback
    return FallbackSpec()


def pending(job: Job) -> list[str]:
    """The candidates a job may still move to (empty without fallback)."""
    spec = _spec(job)
    return list(spec.next) if spec.enabled else []


def submitting(job: Job) -> Any:
    """The context of a job's submit: a busy provider with a candidate behind it is
    not waited for."""
    return busy_fails_fast(bool(pending(job)))


def guarded(
    runner: Runner,
    job: Job,
    step: Callable[[], object],
    move: Callable[[Runner, Job, TranshubError], Job | None],
) -> Job | None:
    """Run a driver's submit ``step`` (which leaves a failure unrecorded); ``None``
    when it succeeded, the job as ``move`` moved it when the provider refused before
    any payment, else the error raised (recorded by ``move``)."""
    try:
        with submitting(job):
            step()
    except (Interrupted, ClaimLostError, HeldElsewhere, ChannelsBusyError):
        raise  # stopped, the job is another process's now, or no channel came free
        # (nothing was sent): nothing to record
    except TranshubError as exc:
        moved = move(runner, job, exc)
        if moved is None:
            raise
        return moved
    return None


def _stay(runner: Runner, job: Job, exc: TranshubError) -> None:
    """A job that cannot move: recorded failed, unless the paid request may have left
    (it stays "may have been submitted"); the error's hint names ``--fallback`` when
    it is off and another candidate could have taken the job."""
    sent = unknown_fate(exc) and runner.journal.get(job.id).may_have_been_submitted
    if not sent:
        runner.fail(job, exc)  # refused, or failed before the paid request left
    spec = _spec(job)
    if not spec.enabled:
        suggest(exc, spec.next)


def _move(
    runner: Runner,
    job: Job,
    exc: TranshubError,
    provider: str,
    request: JobRequest,
    fingerprints: Sequence[str],
) -> Job:
    """Record the move of ``job`` to ``provider`` (its new ``request``, its items'
    new ``fingerprints``) in one transaction: the refused attempt appended, the
    submit's mark cleared (nothing was sent that could be paid), the job's provider
    now the one that will take it.  Raises :class:`HeldElsewhere` (the job recorded
    failed) when another job holds that work already."""
    _moving(Capability(job.capability), exc, job.provider, provider)
    holder = runner.journal.move(
        job.id,
        runner.owner,
        fingerprints,
        provider=provider,
        request=request,
        attempts=[*job.attempts, attempt(exc, job.provider)],
        sending_at=None,
        prepared_task_id=None,
        message=f"moved to {provider}: {job.provider} refused it ({exc.kind})",
        error=None,
        error_kind=None,
    )
    if holder is not None:
        held = HeldElsewhere(
            f"{job.items[0].input}: identical work at {provider} is job {holder.job_id}'s"
            f" ({job.provider} refused it: {exc.kind}); run again to use its result",
            provider=provider,
        )
        _supersede(runner, job, exc, held)
        raise held
    return runner.journal.get(job.id)


def move_document(runner: Runner, job: Job, exc: TranshubError) -> Job | None:
    """After the submit of document ``job`` failed with ``exc``: the job moved to the
    next candidate (its new request recorded, the refusal appended to its attempts),
    or ``None`` when it cannot move (see :func:`_stay`)."""
    rest = pending(job)
    if not movable(exc) or not rest:
        _stay(runner, job, exc)
        return None
    from transhub.jobs.requests import DocumentJobRequest

    spec = job.request
    assert isinstance(spec, DocumentJobRequest)  # pending() is empty for other jobs
    destination = Path(job.items[0].plan["document"])
    # The glossary id was the first provider's: the next one makes its own of the file.
    options = spec.options.model_copy(update={"glossary_id": None})
    try:
        with named_by(f"fallback from {job.provider}"):
            # The runner's pool is the Hub, which prepares plans (planning.documents).
            plan = cast("DocumentPlanning", runner.hub).prepare_document(
                spec.path,
                spec.target,
                source=spec.source,
                provider=rest[0],
                output_dir=destination.parent,
                options=options,
                output=spec.kind,
                overwrite=spec.overwrite,
                glossary=spec.glossary_file,
                fallback=False,
            )
    except TranshubError as refused:
        log.info("fallback document: %s cannot take it either: %s", rest[0], refused)
        runner.fail(job, exc)
        return None
    from transhub.jobs.drivers.documents import job_request

    request = job_request(plan, next_=rest[1:], enabled=True, glossary=spec.glossary_file)
    moved = _move(runner, job, exc, plan.provider, request, [plan.fingerprint])
    recorded = {"document": str(plan.resolved_destination)}
    runner.journal.update_item(job.id, 0, plan=recorded)
    moved.items[0].plan = dict(recorded)
    return moved


def move_images(runner: Runner, job: Job, exc: TranshubError) -> Job | None:
    """After the submit of image task ``job`` failed with ``exc``: the task moved
    whole to the first candidate left that takes all its images (kinds of input,
    languages, options, each image's limits) in one task — its images' fingerprints
    rewritten in the move's transaction — or ``None`` when it cannot move (see
    :func:`_stay`).  Raises :class:`Regrouped` (the batch claims the images again
    there) when that candidate takes fewer images a task, or when another job holds
    some of that work there already."""
    rest = pending(job)
    if not movable(exc) or not rest:
        _stay(runner, job, exc)
        return None
    from transhub.jobs.drivers.images import image_prints, image_source
    from transhub.jobs.requests import FallbackSpec, ImageJobRequest

    spec = job.request
    assert isinstance(spec, ImageJobRequest)  # pending() is empty for other jobs
    sources = [image_source(item) for item in job.items]
    found = _image_candidate(runner, job, rest)
    if found is None:
        runner.fail(job, exc)
        return None
    index, cls = found
    name = cls.provider.name
    request = spec.model_copy(
        update={"fallback": FallbackSpec(enabled=True, next=tuple(rest[index + 1 :]))}
    )
    if len(sources) > cls.max_per_task:
        _moving(Capability.IMAGE, exc, job.provider, name)
        regrouped = Regrouped(
            f"{job.items[0].input} and {len(sources) - 1} more: moved to {name}, which takes"
            f" {cls.max_per_task} a task ({job.provider} refused the task: {exc.kind})",
            provider=name,
        )
        _supersede(runner, job, exc, regrouped)
        raise regrouped
    prints = [image_prints((name,), s, spec.target, spec.source, spec.options)[0] for s in sources]
    try:
        return _move(runner, job, exc, name, request, prints)
    except HeldElsewhere as held:
        raise Regrouped(str(held), provider=name) from None


def _image_candidate(
    runner: Runner, job: Job, rest: Sequence[str]
) -> tuple[int, type[ImageTranslator[Any, Any]]] | None:
    """The first of ``rest`` that takes every image of ``job`` (and its place)."""
    from transhub.jobs.drivers.images import image_source
    from transhub.jobs.requests import ImageJobRequest

    spec = job.request
    assert isinstance(spec, ImageJobRequest)
    inputs = [s.url or str(s.path) for s in map(image_source, job.items)]
    for index, name in enumerate(rest):
        try:
            with named_by(f"fallback from {job.provider}"):
                # The runner's pool is the Hub, which prepares plans (planning.images).
                plan = cast("ImagePlanning", runner.hub).prepare_images(
                    inputs,
                    spec.target,
                    source=spec.source,
                    provider=name,
                    output_dir=spec.folder,
                    options=spec.options,
                    overwrite=True,  # checked when the batch was planned
                    fallback=False,
                )
        except TranshubError as refused:
            log.info("fallback image: %s cannot take it: %s", name, refused)
            continue
        return index, plan.implementation
    return None
