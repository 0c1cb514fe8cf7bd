"""Running a batch from the CLI: progress, Ctrl-C, the summary, the exit code."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Sequence
from typing import Any, cast

import click

from transhub.cli.output import OutputMode, Records, batch_records, note, table
from transhub.cli.progress import Progress


def run_batch(
    items: Sequence[Any],
    work: Callable[[Any, threading.Event, Callable[[str, Any], None]], Any],
    *,
    jobs: int,
    mode: OutputMode,
    quiet: bool,
    label: Callable[[Any], str] = str,
    records: Records | None = None,
) -> int:
    """Run ``work(item, stop, on_status)`` over ``items`` with at most ``jobs`` at once.

    With ``--json`` prints one JSON array of the items' records, with ``--jsonl`` one
    record per line, else a summary table (or, for one item, just its output path);
    always in input order, each record as soon as it and every input before it have
    finished.  ``records`` is an open array to add to instead (``jobs resume`` prints
    one array for everything it runs).  Ctrl-C stops new submits, leaves running
    remote tasks in the journal, says how to resume and exits 130 (the array closed).
    Returns the exit code: 0, or 1 when any item failed.  A single item's error is
    raised as is, so its own exit code applies.
    """
    from transhub.batch import run_concurrently
    from transhub.errors import EXIT_CODES

    stop = threading.Event()
    machine = mode is not OutputMode.TEXT
    progress = Progress.for_terminal(len(items), quiet=quiet, machine_readable=machine)

    def task(numbered: tuple[int, Any]) -> Any:
        name = label(numbered[1])

        def on_status(_job: str, status: Any) -> None:
            # A job that waits (for a channel, for another process's job) says what for.
            said = status.message if status.state.value == "queued" and status.message else ""
            progress.update(name, said or status.state.value, status.percent)

        progress.update(name, "starting")
        try:
            result = work(numbered[1], stop, on_status)
        except BaseException:
            progress.finish(name, ok=False)
            raise
        progress.finish(name, ok=True)
        return result

    rows: list[dict[str, Any]] = []  # in input order
    waiting: dict[int, dict[str, Any]] = {}  # finished before an earlier input
    single = len(items) == 1
    outcomes = cast(
        Generator[Any, None, None],
        run_concurrently(list(enumerate(items)), task, jobs=jobs, stop=stop),
    )
    with batch_records(mode, records) as out:
        try:
            for outcome in outcomes:
                if single and outcome.error is not None:
                    raise outcome.error
                waiting[outcome.item[0]] = _record(outcome, label)
                while len(rows) in waiting:
                    rows.append(waiting.pop(len(rows)))
                    out.add(rows[-1])
        except KeyboardInterrupt:
            stop.set()
            outcomes.close()  # waits for running items: each stops at its next step
            for n in sorted(waiting):  # finished, though an earlier input did not
                out.add(waiting[n])
            progress.close()
            note(
                f"transhub: interrupted after {len(rows) + len(waiting)} of {len(items)}; "
                "tasks already submitted keep running remotely and are recorded: "
                "`transhub jobs resume` finishes everything (the inputs not started too)"
            )
            return EXIT_CODES["interrupted"]
    progress.close()
    if single and not machine:
        click.echo(rows[0]["output"])
        if rows[0]["status"] == "reused":
            note("reused the result of an identical earlier translation (--force translates anew)")
    elif not machine:
        table(
            [
                (
                    r["input"],
                    r["provider"],
                    r["pages"] if r["pages"] is not None else "",
                    r["status"],
                    r["output"] or r["error"],
                )
                for r in rows
            ],
            ("input", "provider", "pages", "status", "output or error"),
        )
    failed = sum(1 for r in rows if r["status"] == "failed")
    if failed:
        note(f"{failed} of {len(rows)} failed")
        return EXIT_CODES["failure"]
    return EXIT_CODES["ok"]


def _record(outcome: Any, label: Callable[[Any], str]) -> dict[str, Any]:
    """One input's row, in the shared vocabulary (absolute paths)."""
    result, error = outcome.result, outcome.error
    return {
        "input": label(outcome.item[1]),
        "output": str(result.output.resolve()) if result else None,
        "job_id": (result.job_id or None) if result else getattr(error, "job_id", None),
        "provider": result.provider if result else (error.provider if error else None),
        "status": result.status if result else "failed",
        "pages": result.pages if result else None,
        "error": str(error) if error else None,
    }


def run_recorded(
    journal: Any,
    batch_id: str,
    items: Sequence[Any],
    work: Callable[[Any, threading.Event, Callable[[str, Any], None]], Any],
    **options: Any,
) -> int:
    """:func:`run_batch` for a batch recorded in the journal: marked done when every
    input has its outcome, left open (for ``jobs resume``) when interrupted."""
    from transhub.errors import EXIT_CODES, TranshubError

    interrupted = True
    try:
        code = run_batch(items, work, **options)
        interrupted = code == EXIT_CODES["interrupted"]
        return code
    except TranshubError as exc:
        interrupted = exc.kind == "interrupted"
        raise
    finally:
        if not interrupted:
            journal.close_batch(batch_id)
