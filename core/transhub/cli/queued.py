"""``--queue``: the batch commands' branch that records their jobs for cluster
workers and returns at once, printing the job ids (``docs/cluster.md``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transhub.cli.output import OutputMode, Records, note, table
from transhub.counts import counted

if TYPE_CHECKING:
    from transhub.cli.runtime import Runtime
    from transhub.cluster.submit import Submission


def submit(runtime: Runtime, fill: Callable[[Submission], None], *, mode: OutputMode) -> int:
    """Record the jobs ``fill`` adds (every claim committed), then enqueue them, and
    print one record per input: its ``job_id`` and that job's ``state``."""
    from transhub.cluster.submit import Submission

    settings_stay_here(runtime)
    submission = Submission(runtime.hub)
    try:
        fill(submission)
    finally:
        submission.close()  # what was recorded is enqueued, whatever stopped the rest
    rows = [s.record() for s in submission.submitted]
    with Records(mode, many=True) as records:
        for row in rows:
            records.add(row)
    if mode is OutputMode.TEXT:
        table(
            [(r["input"], r["job_id"], r["provider"], r["state"]) for r in rows],
            ("input", "job_id", "provider", "state"),
        )
        jobs = dict.fromkeys(r["job_id"] for r in rows)
        shown = " ".join(list(jobs)[:3]) + (" …" if len(jobs) > 3 else "")
        note(f"queued {counted(len(jobs), 'job')}: `transhub jobs wait {shown}` follows them")
    return 0


def settings_stay_here(runtime: Runtime) -> None:
    """Say once that this run's ``-c`` provider settings do not travel with queued
    jobs: a worker runs them with its own configuration (credentials and endpoints
    stay on the worker's machine, ``docs/cluster.md``), so they only shape this
    run's validation and routing."""
    given = sorted(
        f"{section}.{key}"
        for section, table in runtime.overrides.items()
        if section
        for key in table
    )
    if given:
        note(
            f"-c {', '.join(given)}: applied to this run only; queued jobs run with each "
            "worker's own settings"
        )


def queued_without_fallback(runtime: Runtime, fallback: bool | None) -> None:
    """A queued image task does not fall back (a worker has no batch to regroup a
    refused task's images in): ``--fallback`` is refused with ``--queue`` rather than
    ignored, and the ``routing.fallback`` setting is said not to apply."""
    from transhub.errors import UsageError

    if fallback:
        raise UsageError(
            "--queue cannot be combined with --fallback for images: a queued image task "
            "does not move to another provider (run the batch without --queue to fall back)"
        )
    if fallback is None and runtime.hub.settings.routing.fallback:
        note("routing.fallback does not apply to queued image tasks: a worker does not move them")


def unbudgeted(*, max_pages: int | None = None, confirm: bool = False) -> None:
    """``--queue`` records the jobs without quoting them: the budget guard's options are
    refused with it rather than ignored."""
    from transhub.errors import UsageError

    if max_pages is not None or confirm:
        raise UsageError(
            "--queue cannot be combined with --max-pages or --confirm: quote the batch "
            "first (`transhub doc pages`), then queue it"
        )
