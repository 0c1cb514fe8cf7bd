"""Running a batch from the CLI: progress, Ctrl-C, the summary, the exit code."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Sequence
from typing import Any, cast

import click

from transhub.cli.output import emit_json, note, table
from transhub.cli.progress import Progress


def run_batch(
    items: Sequence[Any],
    work: Callable[[Any, threading.Event, Callable[[str, Any], None]], Any],
    *,
    jobs: int,
    as_json: bool,
    quiet: bool,
    label: Callable[[Any], str] = str,
) -> int:
    """Run ``work(item, stop, on_status)`` over ``items`` with at most ``jobs`` at once.

    Prints one JSON object per item as it finishes with ``--json``, else a summary
    table (or, for one item, just its output path).  Ctrl-C stops new submits, leaves
    running remote tasks in the journal, says how to resume and exits 130.  Returns
    the exit code: 0, or 1 when any item failed.  A single item's error is raised
    as is, so its own exit code applies.
    """
    from transhub.batch import run_concurrently
    from transhub.errors import EXIT_CODES

    stop = threading.Event()
    progress = Progress.for_terminal(len(items), quiet=quiet, as_json=as_json)

    def task(item: Any) -> Any:
        name = label(item)

        def on_status(_job: str, status: Any) -> None:
            # A job that waits (for a channel, for another process's job) says what for.
            said = status.message if status.state.value == "queued" and status.message else ""
            progress.update(name, said or status.state.value, status.percent)

        progress.update(name, "starting")
        try:
            result = work(item, stop, on_status)
        except BaseException:
            progress.finish(name, ok=False)
            raise
        progress.finish(name, ok=True)
        return result

    rows: list[dict[str, Any]] = []
    single = len(items) == 1
    outcomes = cast(Generator[Any, None, None], run_concurrently(items, task, jobs=jobs, stop=stop))
    try:
        for outcome in outcomes:
            if single and outcome.error is not None:
                raise outcome.error
            record = _record(outcome, label)
            rows.append(record)
            if as_json:
                emit_json(record)
    except KeyboardInterrupt:
        stop.set()
        outcomes.close()  # waits for running items: each stops at its next step
        progress.close()
        note(
            f"transhub: interrupted after {len(rows)} of {len(items)}; tasks already "
            "submitted keep running remotely and are recorded: `transhub jobs resume` "
            "finishes everything (the inputs not started too)"
        )
        return EXIT_CODES["interrupted"]
    progress.close()
    if single and not as_json:
        click.echo(rows[0]["output"])
        if rows[0]["status"] == "reused":
            note("reused the result of an identical earlier translation (--force translates anew)")
    elif not as_json:
        order = {label(item): n for n, item in enumerate(items)}
        rows.sort(key=lambda r: order.get(r["input"], len(order)))  # input order, not finish
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
        "input": label(outcome.item),
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
