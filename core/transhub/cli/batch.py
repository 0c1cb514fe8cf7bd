"""Rendering a batch in the CLI: the batch runner's events as the progress board and
notes, its outcomes as records or a summary table; Ctrl-C and the exit code.  The
running itself is :class:`transhub.jobs.batch.BatchRunner`'s."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from transhub.cli.output import OutputMode, Records, batch_records
from transhub.cli.progress import Progress
from transhub.cli.runtime import Runtime, confirm, say
from transhub.counts import counted

if TYPE_CHECKING:
    from transhub.jobs.batch import Entry
    from transhub.jobs.events import BatchEvent, ItemFinished


def skipped(refused: Mapping[Any, Any], label: Callable[[Any], str] = str) -> None:
    """Say which inputs ``--keep-going`` leaves out, and why (JSON notes under
    --json/--jsonl)."""
    for item, problem in refused.items():
        # An input error names its file already ("zero.png: is empty"): not twice.
        named = getattr(problem, "path", None) is not None
        say(f"skipped {problem}" if named else f"skipped {label(item)}: {problem}", code="skipped")


def confirm_on_terminal(question: str) -> bool:
    """``--confirm``: ask on the terminal (no, or no answer: nothing is sent)."""
    return confirm(question)


def run_batch(
    runtime: Runtime,
    entries: Sequence[Entry],
    *,
    mode: OutputMode,
    quiet: bool,
    record: Callable[[ItemFinished], dict[str, Any]],
    summary: Callable[[list[ItemFinished]], None],
    records: Records | None = None,
    noun: str = "input",
    single: str = "raise",
    **options: Any,
) -> int:
    """Run ``entries`` through the batch runner (``options``: its arguments) and
    render it: on a terminal the progress board (one line per running task, in input
    order, and the overall bar); with ``--json`` one JSON array of ``record(item)``
    per input, with ``--jsonl`` one per line, always in input order, each written as
    soon as it and every input before it have finished (``records``: an array already
    open, as ``jobs resume`` prints one for everything); else ``summary(items)``
    after the batch.
    Ctrl-C stops new submits, leaves running remote tasks in the journal, says how
    to resume and exits 130 (the array closed).  Returns the exit code: 0, or 1 when
    any input failed (``"N of M {noun}s failed"``).  A batch of one input that failed
    raises its error as is (``single="raise"``), or (``single="code"``) exits with
    the code of its class of failure: either way its own exit code applies."""
    from transhub.errors import EXIT_CODES
    from transhub.jobs.batch import BatchInterrupted, BatchRunner, size_of
    from transhub.jobs.events import Capped, Estimated, ItemFinished, TaskEnded, TaskUpdate

    total = sum(size_of(e) for e in entries)
    machine = mode is not OutputMode.TEXT
    progress = Progress.for_terminal(total, quiet=quiet, machine_readable=machine)
    finished: list[ItemFinished] = []
    alone = total == 1

    with batch_records(mode, records) as out:

        def render(event: BatchEvent) -> None:
            if isinstance(event, TaskUpdate):
                progress.update(event.key, event.label, event.state, event.percent, event.order)
            elif isinstance(event, TaskEnded):
                progress.end(event.key)
            elif isinstance(event, ItemFinished):
                progress.settle(ok=event.status != "failed")
                finished.append(event)
                if not (alone and single == "raise" and event.error is not None):
                    out.add(record(event))
            elif isinstance(event, Capped):
                # Only when -j was asked for (4 is merely the default), and never under -q.
                if not quiet and _asked_for_jobs():
                    say(event.message, code="capped")
            elif isinstance(event, Estimated):
                say(event.message, code="estimate")

        runner = BatchRunner(runtime.hub, on_event=render, **options)
        try:
            runner.run(entries)
        except BatchInterrupted as exc:
            progress.close()
            _interrupted(runtime, exc.finished, exc.total)
            return EXIT_CODES["interrupted"]
        finally:
            progress.close()
        if alone and single == "raise" and finished[0].error is not None:
            raise finished[0].error
    if mode is OutputMode.TEXT:
        summary(finished)
    failed = [done for done in finished if done.status == "failed"]
    if not failed:
        return EXIT_CODES["ok"]
    say(f"{len(failed)} of {counted(len(finished), noun)} failed", code="failed")
    kind = failed[0].error_kind
    if alone and kind is not None and kind in EXIT_CODES:
        return EXIT_CODES[kind]  # one input: its own class of failure
    return EXIT_CODES["failure"]


def _asked_for_jobs() -> bool:
    """Whether this command's ``-j``/``--jobs`` was given (on the command line or by
    its variable), not left at its default."""
    from click.core import ParameterSource

    context = click.get_current_context(silent=True)
    while context is not None and "jobs" not in context.params:
        context = context.parent
    if context is None:
        return False
    return context.get_parameter_source("jobs") not in (None, ParameterSource.DEFAULT)


def _interrupted(runtime: Runtime, finished: int, total: int) -> None:
    """Ctrl-C in a batch: how far it got and how to finish; under --json/--jsonl the
    run's error object (``interrupted``, exit 130), as any other error is."""
    from transhub.cli.output import dumps
    from transhub.errors import EXIT_CODES

    message = (
        f"interrupted after {finished} of {total}; tasks already submitted keep running "
        "remotely and are recorded"
    )
    hint = "`transhub jobs resume` finishes everything (the inputs not started too)"
    if not runtime.machine:
        click.echo(f"transhub: {message}: {hint}", err=True)
        return
    code = EXIT_CODES["interrupted"]
    error = {"code": "interrupted", "exit_code": code, "message": message}
    click.echo(dumps({"error": {**error, "provider": None, "hint": hint}}), err=True)
