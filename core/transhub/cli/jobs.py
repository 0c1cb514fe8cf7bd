"""``transhub jobs``: the journal of remote tasks — list, show, resume, download, forget."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    completer,
    json_option,
    note,
    overwrite_option,
)
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime
from transhub.counts import counted, noun

STATES = ["submitting", "running", "finished", "completed", "failed", "expired"]
UNFINISHED = ["submitting", "running", "finished"]


@click.group(cls=WholeSummaries)
def jobs() -> None:
    """The job journal: every remote task transhub started, and its results.

    Nothing that reached a provider is lost: `transhub jobs resume` finishes what
    a stopped run left (polls, downloads), and never uploads twice.
    """


#: Jobs ``jobs list`` shows unless told otherwise (newest first).
PAGE = 50
_COLUMNS = (("job", 8), ("created (UTC)", 19), ("provider", 10), ("capability", 10),
            ("state", 23), ("pages", 5), ("input", 0))  # fmt: skip


@jobs.command(name="list")
@click.option(
    "--state", "states", multiple=True, type=click.Choice(STATES), help="Only jobs in this state."
)
@click.option(
    "--provider",
    metavar="NAME",
    shell_complete=completer("complete_providers"),
    help="Only jobs of this provider (see `transhub providers`).",
)
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=PAGE,
    show_default=True,
    help="Show at most this many jobs, newest first.",
)
@click.option("--all", "show_all", is_flag=True, help="Show every job (no --limit).")
@json_option
@click.pass_obj
def list_(
    runtime: Runtime,
    states: tuple[str, ...],
    provider: str | None,
    limit: int,
    show_all: bool,
    mode: OutputMode,
) -> None:
    """List jobs, newest first (the latest 50 unless --limit or --all).

    Rows stream from the journal: --all on a big journal never holds it in memory."""
    if provider is not None:
        _check_provider(runtime, provider)
    rows = runtime.journal.summaries(
        states=list(states), provider=provider, limit=None if show_all else limit + 1
    )
    shown = 0
    more = False
    with contextlib.closing(rows), Records(mode, many=True) as records:
        for row in rows:
            if not show_all and shown == limit:
                more = True
                break
            shown += 1
            if mode is not OutputMode.TEXT:
                records.add(row)
            else:
                _print_row(row, header=shown == 1)
    if shown == 0 and mode is OutputMode.TEXT:
        note("no jobs")  # --json: an empty array says it
    if more:
        note(f"the latest {counted(limit, 'job')}; --limit N or --all for more")


def _check_provider(runtime: Runtime, provider: str) -> None:
    """A filter naming no provider (installed, or of a job in the journal) is a
    mistake, said with a "did you mean" — not an empty list."""
    import difflib

    from transhub.errors import RoutingError

    known = sorted(set(runtime.registry.providers()) | set(runtime.journal.providers()))
    if provider in known:
        return
    close = difflib.get_close_matches(provider, known, n=1)
    raise RoutingError(
        f"no provider is named {provider!r} (installed or in the journal: "
        f"{', '.join(known) or 'none'})" + (f"; did you mean {close[0]}?" if close else "")
    )


def _print_row(row: dict[str, Any], *, header: bool) -> None:
    """One line of the jobs table, in fixed columns (streamed, never all rows at once)."""
    state = row["state"]
    if state == "submitting" and row.get("sending_at"):
        state = "may have been submitted"
    elif state == "running" and row["percent"] is not None:
        state = f"running {row['percent']:.0f}%"
    extra = f" (+{row['items'] - 1})" if row["items"] > 1 else ""
    cells = (
        row["job_id"],
        row["created_at"][:19].replace("T", " "),
        row["provider"],
        row["capability"],
        state,
        "" if row["pages"] is None else str(row["pages"]),
        f"{row['input']}{extra}",
    )
    out = sys.stdout
    if header:
        out.write(_line([name for name, _ in _COLUMNS]) + "\n")
        out.write(_line(["-" * max(width, len(name)) for name, width in _COLUMNS]) + "\n")
    out.write(_line(cells) + "\n")


def _line(cells: Sequence[str]) -> str:
    return "  ".join(
        cell.ljust(max(width, len(name))) if width else cell
        for cell, (name, width) in zip(cells, _COLUMNS, strict=True)
    ).rstrip()


@jobs.command()
@click.argument("job_id", metavar="ID", shell_complete=completer("complete_job_ids"))
@json_option
@click.pass_obj
def show(runtime: Runtime, job_id: str, mode: OutputMode) -> None:
    """Show everything recorded of one job (an id prefix is enough); --json and
    --jsonl print it as one object."""
    job = runtime.journal.get(job_id)
    spec = runtime.journal.batch_spec(job.batch_id) if job.batch_id else None
    # The -c settings of the batch's run (secrets never recorded: named, not shown).
    settings = dict(spec.get("settings", {})) if spec else {}
    unrecorded = list(spec.get("unrecorded", [])) if spec else []
    if mode is not OutputMode.TEXT:
        with Records(mode, many=False) as records:
            records.add({**job.to_dict(), "settings": settings, "unrecorded": unrecorded})
        return
    state = "may have been submitted" if job.may_have_been_submitted else job.state.value
    for key, value in (
        ("job", job.id),
        ("provider", job.provider),
        ("capability", job.capability),
        ("state", state),
        ("task id", job.task_id),
        ("pages", job.pages),
        ("billed characters", job.billed_characters),
        ("percent", job.percent),
        ("created", job.created_at),
        ("submitted", job.submitted_at),
        ("finished", job.finished_at),
        ("updated", job.updated_at),
        ("message", job.message),
        ("error", job.error),
        ("batch", job.batch_id),
        ("settings", " ".join(f"-c {k}={v}" for k, v in sorted(settings.items()))),
        ("unrecorded", ", ".join(unrecorded)),
    ):
        if value not in (None, ""):
            click.echo(f"{key:>10}: {value}")
    for number, tried in enumerate(job.attempts, 1):
        # A provider that refused the job before any payment (--fallback moved it on).
        click.echo(
            f"{'attempt':>10}: {number}. {tried['provider']} refused it at {tried['at']} "
            f"({tried['error']}, code {tried['code']}): {tried['message']}"
        )
    for item in job.items:
        click.echo(f"{'input':>10}: {item.input} [{item.state}]")
        for artifact, saved in item.outputs.items():
            click.echo(f"{'':>10}  {artifact} → {saved['path']} (sha256 {saved['sha256'][:12]}…)")
        if item.message:
            click.echo(f"{'':>10}  {item.message}")


@jobs.command()
@click.argument(
    "job_ids", nargs=-1, metavar="[ID]...", shell_complete=completer("complete_job_ids")
)
@click.option(
    "--resubmit",
    is_flag=True,
    help="Also send again jobs that may have been submitted (could pay twice).",
)
@json_option
@click.pass_obj
def resume(runtime: Runtime, job_ids: tuple[str, ...], resubmit: bool, mode: OutputMode) -> int:
    """Finish unfinished jobs (all of them, or those named): poll the tasks still
    running, download finished results.  Nothing that reached the provider is sent
    again; a job that may have been submitted is resubmitted only when the provider
    refuses duplicates, or with --resubmit.  Without IDs, batches that were
    interrupted also run again, so their inputs that never started start now.
    With --json one array of every job's and every re-run input's record."""
    journal = runtime.hub.journal
    ids = [journal.get(i).id for i in job_ids] or [
        j["job_id"] for j in journal.summaries(states=UNFINISHED)
    ]
    batches = [] if job_ids else journal.open_batches()
    with Records(mode, many=True) as records:
        if not ids and not batches:
            note("nothing to resume")
            return 0  # --json: still one document, an empty array
        failed = 0
        # A batch's jobs, and the batch itself, run under the settings its run was
        # given with -c (the journal kept them), under this run's own -c.
        for batch_id, group in _by_batch(journal, ids, batches).items():
            spec = journal.batch_spec(batch_id) if batch_id else None
            batch_runtime = runtime.rerun(spec.get("settings", {}) if spec else {})
            try:
                if spec is not None:
                    _tell_settings(batch_id, spec)
                failed += _resume_jobs(batch_runtime, group, resubmit=resubmit, records=records)
                # An earlier batch's rerun here may have closed this one (the same
                # work): it is not run again.
                if spec is not None and batch_id in dict(batches) and journal.batch_open(batch_id):
                    failed += _rerun_batch(batch_runtime, batch_id, spec, records=records)
            finally:
                if batch_runtime is not runtime:
                    batch_runtime.close()
    return 1 if failed else 0


def _by_batch(
    journal: Any, ids: list[str], batches: list[tuple[str, dict[str, Any]]]
) -> dict[str, list[str]]:
    """The jobs to resume by the recorded batch they belong to (``""``: none), the
    open batches included even when none of their jobs is unfinished; the jobs
    without a batch first, then the batches oldest first."""
    grouped: dict[str, list[str]] = {"": []}
    for batch_id, _spec in batches:
        grouped[batch_id] = []
    for job_id in ids:
        grouped.setdefault(journal.get(job_id).batch_id or "", []).append(job_id)
    return grouped


def _tell_settings(batch_id: str, spec: dict[str, Any]) -> None:
    """Say which -c settings the batch runs under again, and which secrets it was
    given that the journal never kept (read from the settings and environment now)."""
    if spec.get("settings"):
        shown = " ".join(f"-c {k}={v}" for k, v in sorted(spec["settings"].items()))
        note(f"batch {batch_id}: with the settings of its run: {shown}")
    if spec.get("unrecorded"):
        note(
            f"batch {batch_id}: its run was given {', '.join(spec['unrecorded'])} with -c; "
            "secrets are never kept in the journal: read from the settings and the "
            "environment now (give them with -c again if they are not set there)"
        )


def _rerun_batch(runtime: Runtime, batch_id: str, data: dict[str, Any], *, records: Records) -> int:
    """Run an interrupted batch again: what is done is reused, what is in flight is
    adopted, the inputs that never started start now.  How many failures (0 or 1)."""
    from transhub.cli.doc import run_conversions, run_documents
    from transhub.cli.image import run_images
    from transhub.errors import TranshubError
    from transhub.jobs.specs import ConvertBatch, DocumentBatch, parse_spec

    spec = parse_spec(data)
    inputs = spec.inputs if not isinstance(spec, (DocumentBatch, ConvertBatch)) else spec.paths
    note(f"batch {batch_id}: {spec.command} of {counted(len(inputs), 'input')}, run again")
    try:
        if isinstance(spec, DocumentBatch):
            code = run_documents(
                runtime, spec, mode=records.mode, records=records, batch_id=batch_id,
                keep_going=True,
            )  # fmt: skip
        elif isinstance(spec, ConvertBatch):
            code = run_conversions(
                runtime, spec, mode=records.mode, records=records, batch_id=batch_id,
                keep_going=True,
            )  # fmt: skip
        else:
            code = run_images(runtime, spec, mode=records.mode, records=records, batch_id=batch_id)
    except TranshubError as exc:
        note(f"batch {batch_id}: {exc}")
        if exc.kind != "interrupted":
            runtime.hub.journal.close_batch(batch_id)
        return 1
    return 1 if code else 0


def _resume_jobs(runtime: Runtime, ids: list[str], *, resubmit: bool, records: Records) -> int:
    """Finish each job named; how many failed."""
    from transhub.errors import TranshubError

    journal = runtime.hub.journal
    runner = runtime.hub.runner(resubmit=resubmit)
    failed = 0
    for job_id in ids:
        try:
            result = runner.resume(job_id)
        except TranshubError as exc:
            failed += 1
            record: dict[str, Any] = {
                "job_id": job_id, "state": "failed", "outputs": [], "error": str(exc)
            }  # fmt: skip
        else:
            job = journal.get(job_id)
            # An expired job says what cannot be recovered, and why (e.g. a result the
            # provider released when a download was interrupted).
            error = job.error if job.state.value == "expired" else None
            record = {
                "job_id": job_id, "state": job.state.value, "outputs": _outputs(result),
                "error": error or None,
            }  # fmt: skip
        if records.mode is not OutputMode.TEXT:
            records.add(record)
        elif record["state"] == "failed":
            note(f"{job_id}: {record['error']}")
        else:
            click.echo(f"{job_id}: {record['state']} {' '.join(record['outputs'])}".rstrip())
            if record.get("error"):
                note(f"{job_id}: cannot be recovered: {record['error']}")
    return failed


def _outputs(result: Any) -> list[str]:
    if result is None:
        return []
    if isinstance(result, list):
        return [str(p.absolute()) for outcome in result for p in outcome.outputs.values()]
    return [str(Path(result.output).absolute())]


@jobs.command()
@click.argument("job_id", metavar="ID", shell_complete=completer("complete_job_ids"))
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default="current folder",
    help="Folder for the copies.",
)
@overwrite_option
@click.pass_obj
def download(runtime: Runtime, job_id: str, output_dir: Path, overwrite: bool) -> None:
    """Save a job's results again into a folder: fetched anew from the provider
    while it keeps them, else copied from the saved files if they are intact.  A job
    queued for cluster workers is copied out of the results store (any machine that
    mounts it), each file checked against its recorded SHA-256.  An existing file is
    never replaced unless --overwrite (checked before anything is fetched)."""
    job = runtime.journal.get(job_id)
    if job.request.queued:
        from transhub.jobs.downloads import fetch_queued

        for path in fetch_queued(runtime.hub, job, output_dir, overwrite=overwrite):
            click.echo(str(path))
        return
    for path in runtime.hub.download_job(job_id, output_dir, overwrite=overwrite):
        click.echo(str(path))


@jobs.command()
@click.argument(
    "job_ids",
    nargs=-1,
    required=True,
    metavar="ID...",
    shell_complete=completer("complete_job_ids"),
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    metavar="SECONDS",
    help="Give up waiting after SECONDS (exit 9; the jobs go on).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@json_option
@click.pass_obj
def wait(
    runtime: Runtime, job_ids: tuple[str, ...], timeout: float | None, quiet: bool, mode: OutputMode
) -> int:
    """Follow jobs other processes run (cluster workers, `--queue`) until each is final,
    with the progress display of `doc translate`; then print each job's record (with
    --json one array).  A job whose process stopped (and that no worker picks up) is
    reported abandoned, with the `transhub jobs resume` that finishes it.  Exits 0
    when all completed, a single job's own failure code (1: abandoned), 1 when some of
    several did not complete, 9 after --timeout."""
    from transhub.cli.wait import wait_for

    # One cheap query a look (the changed jobs' marks): a job's end is seen within a
    # quarter second (half a second added ~0.25 s to every waited batch).
    interval = min(runtime.hub.settings.poll_max_interval, 0.25)
    return wait_for(
        runtime.journal, job_ids, mode=mode, quiet=quiet, timeout=timeout, interval=interval
    )


@jobs.command()
@click.argument("job_ids", nargs=-1, required=True, metavar="ID...")
@click.option(
    "--force",
    is_flag=True,
    help="Also forget jobs a live process is working on (its result is then not recorded).",
)
@click.pass_obj
def forget(runtime: Runtime, job_ids: tuple[str, ...], force: bool) -> None:
    """Remove jobs from the journal (their result files stay).  A job a live process
    is working on is refused (exit 4) unless --force: that process could not record
    its result, and the next run would pay for it again."""
    from transhub.errors import InputError
    from transhub.jobs.owners import Owner, owner_alive

    journal = runtime.journal
    found = [journal.get(i) for i in job_ids]
    for job in found if not force else ():
        if not job.state.is_final and owner_alive(job.owner, job.lease_until):
            who = Owner.parse(job.owner or "")
            by = f"process {who.pid} on {who.host}" if who else f"process {job.owner}"
            raise InputError(
                f"job {job.id} is being worked on by {by}; wait for it or stop it first "
                "(--force forgets it anyway)"
            )
    count = journal.forget(list(dict.fromkeys(job.id for job in found)))
    note(f"forgot {counted(count, 'job')}")


@jobs.command()
@click.option(
    "--older-than",
    "days",
    type=click.FloatRange(0),
    required=True,
    metavar="DAYS",
    help="Remove finished jobs last updated more than DAYS ago.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be removed; remove nothing.")
@click.option("--yes", "-y", is_flag=True, help="Remove without asking.")
@click.pass_obj
def prune(runtime: Runtime, days: float, dry_run: bool, yes: bool) -> int:
    """Remove old completed, failed and expired jobs from the journal (their result
    files stay).  Shows what it will remove and asks first, unless --yes."""
    journal = runtime.journal
    count = 0
    for row in journal.prunable(days):
        count += 1
        if count <= PAGE:
            _print_row(row, header=count == 1)
    if count > PAGE:
        click.echo(f"… and {count - PAGE} more")
    if count == 0 or dry_run:
        note(f"would prune {counted(count, 'job')}" if dry_run else "pruned 0 jobs")
        return 0
    if not yes and not _ask(f"Remove {noun(count, 'this', 'these')} {counted(count, 'job')}?"):
        note("nothing was removed")
        return 1
    pruned = journal.prune(days)
    note(f"pruned {counted(pruned, 'job')}")
    return 0


def _ask(question: str) -> bool:
    """A yes/no question on stderr, answered on stdin (no unless yes).  A closed
    standard input (``< /dev/null``, a pipe that ended) is a no said as such — not an
    interruption (click's confirm took it for Ctrl-C: exit 130)."""
    from transhub.errors import Declined

    click.echo(f"{question} [y/N]: ", nl=False, err=True)
    answer = sys.stdin.readline()
    if not answer:
        click.echo(err=True)  # end the prompt's line
        raise Declined(
            "standard input is closed, so the question went unanswered: nothing was "
            "removed (pass --yes to prune without asking)"
        )
    return answer.strip().lower() in ("y", "yes")
