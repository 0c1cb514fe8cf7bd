"""Batches: expanding inputs, validating every one before anything is sent, and
running work items concurrently.

Each item's outcome is a result or the typed error it raised; one failing item never
stops the others.  Outcomes are yielded as they finish.
"""

from __future__ import annotations

import fnmatch
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from transhub.errors import InputError, TranshubError

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class Outcome(Generic[ItemT, ResultT]):
    """One item's result, or the error it ended with."""

    item: ItemT
    result: ResultT | None = None
    error: TranshubError | None = None

    @property
    def ok(self) -> bool:
        """Whether the item succeeded."""
        return self.error is None


def expand_paths(
    inputs: Sequence[str | Path],
    *,
    recursive: bool = False,
    include: Sequence[str] = (),
    is_output: Callable[[Path], bool] | None = None,
    skipped: list[Path] | None = None,
) -> list[Path]:
    """Files named directly, plus the files inside named folders (their subfolders
    too with ``recursive``), filtered by ``include`` globs; sorted, without repeats.
    A folder with no matching file is an error rather than a silent no-op.

    Inside folders, files for which ``is_output`` is true (transhub's own earlier
    results) are left out and appended to ``skipped``; a file named directly is kept."""
    found: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            pattern = "**/*" if recursive else "*"
            inside = sorted(
                p for p in path.glob(pattern) if p.is_file() and not p.name.startswith(".")
            )
            if include:
                inside = [p for p in inside if any(fnmatch.fnmatch(p.name, g) for g in include)]
            if is_output is not None:
                ours = [p for p in inside if is_output(p)]
                inside = [p for p in inside if p not in ours]
                if skipped is not None:
                    skipped.extend(ours)
            if not inside and not (skipped and is_output is not None):
                what = f" matching {', '.join(include)}" if include else ""
                raise InputError(
                    f"is a folder with no files{what} (add --recursive for subfolders)", path=path
                )
            found.extend(inside)
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def validate_every(
    items: Sequence[ItemT],
    prepare: Callable[[ItemT], ResultT],
    *,
    keep_going: bool,
    label: Callable[[ItemT], str] = str,
    done: str = "translated",
) -> tuple[dict[ItemT, ResultT], dict[ItemT, TranshubError]]:
    """Each item's plan (``prepare``), every item checked before anything is sent; and
    the items refused, with why.  Bad items refuse the batch all at once, every one
    named — or, with ``keep_going``, are returned beside the plans (unless no item is
    good: then the first problem is raised).  A problem that is not about one item
    (configuration, credentials…) is raised at once.  ``done``: what the batch does to
    an item, as the refusal says it ("cannot be translated")."""
    plans: dict[ItemT, ResultT] = {}
    bad: dict[ItemT, TranshubError] = {}
    for item in items:
        try:
            plans[item] = prepare(item)
        except TranshubError as exc:
            if exc.kind not in ("input", "routing"):
                raise
            bad[item] = exc
    if not bad:
        return plans, bad
    first = next(iter(bad.values()))
    if keep_going and plans:
        return plans, bad
    if keep_going or len(bad) == 1:
        raise first
    kinds = {type(exc) for exc in bad.values()}
    cls = kinds.pop() if len(kinds) == 1 else InputError
    lines = "\n".join(
        f"  {exc}" if label(item) in str(exc) else f"  {label(item)}: {exc}"
        for item, exc in bad.items()
    )
    raise cls(
        f"{len(bad)} of {len(items)} inputs cannot be {done}; nothing was sent "
        f"(with --keep-going the others are {done}):\n{lines}"
    )


def check_distinct_outputs(planned: Iterable[tuple[Path, Path, Path]]) -> None:
    """Refuse a batch in which two inputs would be saved under one name (``a/r.txt``
    and ``b/r.txt`` into one folder, or one folder under two names through a
    symlink): the second result would replace the first.  Each entry: the input,
    its destination as given, and that destination resolved (the plan resolves it
    once, for the driver too)."""
    seen: dict[Path, Path] = {}
    for source, destination, key in planned:
        if key in seen:
            raise InputError(
                f"{seen[key]} and {source} would both be saved as {destination}; "
                "translate them into separate folders (-o)"
            )
        seen[key] = source


def run_concurrently(
    items: Iterable[ItemT],
    work: Callable[[ItemT], ResultT],
    *,
    jobs: int,
    stop: threading.Event | None = None,
) -> Generator[Outcome[ItemT, ResultT], None, None]:
    """Run ``work`` on each item with at most ``jobs`` at once; yield outcomes as
    they finish.  An interruption (Ctrl-C arrives in this thread) or closing the
    iterator early cancels the items not started and sets ``stop`` *before* waiting
    for the running ones, so they can end at their next step."""
    pending: dict[Future[ResultT], ItemT] = {}
    # Each finished future queues itself: one wake-up per outcome, where
    # concurrent.futures.wait() would watch every pending future again each time
    # (the get() is interruptible: Ctrl-C still arrives here).
    finished: queue.SimpleQueue[Future[ResultT]] = queue.SimpleQueue()
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="transhub-batch") as pool:
        try:
            for item in iterator:
                future = pool.submit(work, item)
                pending[future] = item
                future.add_done_callback(finished.put)
                if len(pending) >= jobs:
                    yield _outcome(pending, finished.get())
            while pending:
                yield _outcome(pending, finished.get())
        finally:
            if stop is not None and pending:
                stop.set()
            for future in pending:
                future.cancel()


def _outcome(
    pending: dict[Future[ResultT], ItemT], future: Future[ResultT]
) -> Outcome[ItemT, ResultT]:
    item = pending.pop(future)
    try:
        return Outcome(item, result=future.result())
    except TranshubError as exc:
        return Outcome(item, error=exc)
