"""``transhub jobs wait``: follow jobs another process (a cluster worker) runs, with the
progress board ``doc translate`` draws, until each is final."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import click

from transhub.cli.output import OutputMode, Records, note
from transhub.cli.progress import Progress
from transhub.counts import counted
from transhub.jobs.model import Job


def record(job: Job) -> dict[str, Any]:
    """A followed job's record (``--json``), as ``jobs resume`` prints it."""
    outputs = [saved["path"] for item in job.items for saved in item.outputs.values()]
    failed = (job.state.is_final and job.state.value != "completed") or stuck(job)
    error = (job.error or job.state.value) if failed else None
    if abandoned(job):
        error = (
            "abandoned: no process is working on it (the one that ran it stopped); "
            f"`transhub jobs resume {job.id}` finishes it"
        )
    return {
        "job_id": job.id,
        "provider": job.provider,
        "capability": job.capability,
        "state": job.state.value,
        "input": job.items[0].input if job.items else None,
        "outputs": outputs,
        "error": error,
    }


def stuck(job: Job) -> bool:
    """A job nobody will finish without a person: its paid request may have left, and
    a worker refused to send it again (``jobs resume --resubmit`` decides), or the
    process that ran it stopped (:func:`abandoned`)."""
    return (job.may_have_been_submitted and bool(job.error) and job.owner is None) or abandoned(job)


def abandoned(job: Job) -> bool:
    """A job whose remote task was (or may have been) started by a process that no
    longer works on it (killed: no owner, or a stale lease), and that no cluster
    worker will pick up (not ``--queue``): only ``jobs resume`` (or the same command
    again) finishes it, so waiting for it would wait forever."""
    from transhub.jobs.model import JobState
    from transhub.jobs.owners import owner_alive

    if job.state.is_final or job.request.queued:
        return False
    if job.state is JobState.SUBMITTING and not job.sending_at:
        return False  # nothing left yet: not started, nothing paid
    return not owner_alive(job.owner, job.lease_until)


def _shown(job: Job) -> str:
    if job.may_have_been_submitted:
        return "may have been submitted"
    if job.owner is None and job.state.value == "submitting":
        return "queued"
    return job.state.value


def wait_for(
    journal: Any,
    job_ids: Sequence[str],
    *,
    mode: OutputMode,
    quiet: bool,
    timeout: float | None,
    interval: float,
) -> int:
    """Poll the journal until every job is final; print each job's record (in the
    order given) and return the exit code: 0 when all completed, a single job's own
    failure code, 1 when some of several failed, 9 (transient) on ``timeout``."""
    from transhub.errors import EXIT_CODES

    ids = list(dict.fromkeys(journal.get(i).id for i in job_ids))
    progress = Progress.for_terminal(
        len(ids), quiet=quiet, machine_readable=mode is not OutputMode.TEXT
    )
    final: dict[str, Job] = {}
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = min(interval, 0.05)
    seen: dict[str, tuple[Any, ...]] = {}
    last: dict[str, Job] = {}
    try:
        while len(final) < len(ids):
            # One query says which jobs changed; only those are read in full (a sweep
            # of 200 jobs read every job each half second, beside the workers' CPU).
            marks = _marks(journal, [i for i in ids if i not in final])
            for order, job_id in enumerate(ids):
                if job_id in final:
                    continue
                # Unchanged: skipped; but a killed owner changes nothing in the row,
                # so its job is looked at again (a cheap check of the owner's process).
                unchanged = job_id in seen and seen[job_id] == marks.get(job_id)
                if unchanged and not abandoned(last[job_id]):
                    continue
                seen[job_id] = marks.get(job_id, ())
                job = last[job_id] = journal.get(job_id)
                if job.state.is_final or stuck(job):
                    final[job_id] = job
                    progress.end(job_id)
                    progress.settle(ok=job.state.value == "completed")
                else:
                    label = job.items[0].input if job.items else job_id
                    progress.update(job_id, f"{job_id} {label}", _shown(job), job.percent, order)
            if len(final) == len(ids):
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(delay)
            delay = min(delay * 1.5, interval)
    except KeyboardInterrupt:
        progress.close()
        note("transhub: stopped waiting; the jobs go on (`transhub jobs wait` again)")
        return EXIT_CODES["interrupted"]
    progress.close()
    return _report(journal, ids, final, mode=mode, timeout=timeout)


#: What changes in a job's row when anything of it changes (its updated_at may not).
_MARKS = "SELECT id, state, percent, owner, error, sending_at, updated_at FROM jobs WHERE id IN "
_MARKED = 500


def _marks(journal: Any, job_ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """Each job's row marks (see :data:`_MARKS`), in a few queries."""
    marks: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(job_ids), _MARKED):
        part = job_ids[start : start + _MARKED]
        sql = _MARKS + f"({','.join('?' * len(part))})"
        for row in journal.backend.read(sql, part):
            marks[row["id"]] = tuple(row[k] for k in row.keys() if k != "id")  # noqa: SIM118
    return marks


def _report(
    journal: Any, ids: list[str], final: dict[str, Job], *, mode: OutputMode, timeout: float | None
) -> int:
    """Print each job's record; the exit code (see :func:`wait_for`)."""
    from transhub.errors import EXIT_CODES

    with Records(mode, many=True) as records:
        for job_id in ids:
            job = final.get(job_id) or journal.get(job_id)
            row = record(job)
            if mode is not OutputMode.TEXT:
                records.add(row)
            elif row["error"]:
                note(f"{job_id}: {row['state']}: {row['error']}")
            else:
                click.echo(f"{job_id}: {row['state']} {' '.join(row['outputs'])}".rstrip())
    if len(final) < len(ids):
        from transhub.errors import TransientError

        # An error (exit 9): one line, or under --json/--jsonl one JSON object.
        waiting = len(ids) - len(final)
        raise TransientError(
            f"{waiting} of {counted(len(ids), 'job')} not final after {timeout or 0:g}s; "
            "the jobs go on (`transhub jobs wait` again)"
        )
    bad = [job for job in final.values() if job.state.value != "completed"]
    if len(ids) == 1 and bad and stuck(bad[0]):
        return EXIT_CODES["failure"]
    if not bad:
        return EXIT_CODES["ok"]
    if len(ids) == 1:
        kind = bad[0].error_kind or "job-failed"
        return EXIT_CODES.get(kind, EXIT_CODES["job-failed"])
    note(f"{len(bad)} of {counted(len(ids), 'job')} did not complete")
    return EXIT_CODES["failure"]
