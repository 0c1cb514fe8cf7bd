"""``transhub jobs``: the journal of remote tasks — list, show, resume, download, forget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from transhub.cli.output import (
    OutputMode,
    completer,
    emit_json,
    json_option,
    note,
    provider_option,
    table,
)
from transhub.cli.runtime import Runtime

STATES = ["submitting", "running", "finished", "completed", "failed", "expired"]
UNFINISHED = ["submitting", "running", "finished"]


@click.group()
def jobs() -> None:
    """The job journal: every remote task transhub started, and its results.

    Nothing that reached a provider is lost: `transhub jobs resume` finishes what
    a stopped run left (polls, downloads), and never uploads twice.
    """


@jobs.command(name="list")
@click.option(
    "--state", "states", multiple=True, type=click.Choice(STATES), help="Only jobs in this state."
)
@provider_option
@json_option
@click.pass_obj
def list_(
    runtime: Runtime, states: tuple[str, ...], provider: str | None, mode: OutputMode
) -> None:
    """List jobs, newest first."""
    as_json = mode is not OutputMode.TEXT
    rows = runtime.journal.summaries(states=list(states), provider=provider)
    if as_json:
        for row in rows:
            emit_json(row)
        return
    shown = []
    for row in rows:
        state = row["state"]
        if state == "submitting":
            state = "may have been submitted"
        elif state == "running" and row["percent"] is not None:
            state = f"running {row['percent']:.0f}%"
        more = f" (+{row['items'] - 1})" if row["items"] > 1 else ""
        shown.append(
            (
                row["id"],
                row["created_at"][:19].replace("T", " "),
                row["provider"],
                row["capability"],
                state,
                row["pages"] if row["pages"] is not None else "",
                f"{row['input']}{more}",
            )
        )
    table(shown, ("job", "created (UTC)", "provider", "capability", "state", "pages", "input"))


@jobs.command()
@click.argument("job_id", metavar="ID", shell_complete=completer("complete_job_ids"))
@json_option
@click.pass_obj
def show(runtime: Runtime, job_id: str, mode: OutputMode) -> None:
    """Show everything recorded of one job (an id prefix is enough)."""
    as_json = mode is not OutputMode.TEXT
    job = runtime.journal.get(job_id)
    if as_json:
        emit_json(job.to_dict())
        return
    state = "may have been submitted" if job.may_have_been_submitted else job.state.value
    for key, value in (
        ("job", job.id),
        ("provider", job.provider),
        ("capability", job.capability),
        ("state", state),
        ("task id", job.task_id),
        ("pages", job.pages),
        ("percent", job.percent),
        ("created", job.created_at),
        ("submitted", job.submitted_at),
        ("finished", job.finished_at),
        ("updated", job.updated_at),
        ("message", job.message),
        ("error", job.error),
    ):
        if value not in (None, ""):
            click.echo(f"{key:>10}: {value}")
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
    refuses duplicates, or with --resubmit."""
    as_json = mode is not OutputMode.TEXT
    from transhub.errors import TranshubError

    journal = runtime.hub.journal
    ids = [journal.get(i).id for i in job_ids] or [
        j["id"] for j in journal.summaries(states=UNFINISHED)
    ]
    if not ids:
        note("nothing to resume")
        return 0
    runner = runtime.hub.runner()
    failed = 0
    for job_id in ids:
        try:
            result = runner.resume(job_id, resubmit=resubmit)
        except TranshubError as exc:
            failed += 1
            record: dict[str, Any] = {"job": job_id, "state": "failed", "error": str(exc)}
        else:
            job = journal.get(job_id)
            record = {"job": job_id, "state": job.state.value, "outputs": _outputs(result)}
            if job.state.value == "expired" and job.error:
                # What cannot be recovered, and why (e.g. a result the provider released
                # when a download was interrupted).
                record["error"] = job.error
        if as_json:
            emit_json(record)
        elif record["state"] == "failed":
            note(f"{job_id}: {record['error']}")
        else:
            click.echo(f"{job_id}: {record['state']} {' '.join(record['outputs'])}".rstrip())
            if record.get("error"):
                note(f"{job_id}: cannot be recovered: {record['error']}")
    return 1 if failed else 0


def _outputs(result: Any) -> list[str]:
    if result is None:
        return []
    if isinstance(result, list):
        return [str(p) for outcome in result for p in outcome.outputs.values()]
    return [str(result.output)]


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
@click.pass_obj
def download(runtime: Runtime, job_id: str, output_dir: Path) -> None:
    """Save a job's results again into a folder: fetched anew from the provider
    while it keeps them, else copied from the saved files if they are intact."""
    for path in runtime.hub.download_job(job_id, output_dir):
        click.echo(str(path))


@jobs.command()
@click.argument("job_ids", nargs=-1, required=True, metavar="ID...")
@click.pass_obj
def forget(runtime: Runtime, job_ids: tuple[str, ...]) -> None:
    """Remove jobs from the journal (their result files stay)."""
    journal = runtime.journal
    count = journal.forget([journal.get(i).id for i in job_ids])
    note(f"forgot {count} job{'s' if count != 1 else ''}")


@jobs.command()
@click.option(
    "--older-than",
    "days",
    type=click.FloatRange(0),
    required=True,
    metavar="DAYS",
    help="Remove finished jobs last updated more than DAYS ago.",
)
@click.pass_obj
def prune(runtime: Runtime, days: float) -> None:
    """Remove old completed, failed and expired jobs from the journal."""
    count = runtime.journal.prune(days)
    note(f"pruned {count} job{'s' if count != 1 else ''}")
