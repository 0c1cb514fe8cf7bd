"""Rows 21–23: a journal of ``big_journal_rows`` completed jobs (seeded by
:mod:`journal_seed`) against an empty one, through the public API and the CLI.

21. Recording a new job as the runner does (look for a reusable result, create,
    complete: ``client.py journal-jobs``), against the same in an empty journal: each
    measuring process records its jobs in both journals, taking turns job by job, so
    the machine's load falls on both alike (separate processes a few tenths of a second
    long, one per journal, differed by more from run to run than the journals did).
22. ``transhub jobs list`` (its default page) against ``transhub --help``.
23. ``transhub jobs list --all --json``: every job, streamed (peak RSS).
"""

from __future__ import annotations

import json

import journal_seed
from measure import MB, Run, interleaved, median, median_rss, median_seconds, run
from rows import Bench, Row, megabytes

#: New jobs each measuring process records in each journal (its median is the
#: row's figure).
NEW_JOBS = 200
#: The peak RSS allowed to ``jobs list --all --json`` (issue 17).
LISTING_RSS = 60 * MB


def records(output: str) -> int:
    """How many records a ``--json`` listing printed: one JSON array, or one object
    a line."""
    text = output.strip()
    if text.startswith("["):
        return len(json.loads(text))
    return sum(1 for line in text.splitlines() if line.startswith("{"))


def journal_rows(bench: Bench) -> list[Row]:
    """Rows 21, 22, 23 (see the module docstring)."""
    count = bench.s.big_journal_rows
    big = journal_seed.seeded_home(bench, count)
    big_env = bench.env(big)

    def new_jobs() -> Run:
        """Jobs in a new empty journal and in the big one, in turns."""
        empty = bench.folder("home")
        folders = [empty / journal_seed.JOURNAL.parent, big / journal_seed.JOURNAL.parent]
        return run(bench.client("journal-jobs", NEW_JOBS, *folders), env=bench.env(empty))

    (both,) = interleaved([new_jobs], bench.s.runs, warmup=bench.s.warmup)
    figures = [json.loads(r.stdout) for r in both]
    per_empty = median([f["seconds"][0] for f in figures])
    per_job = median([f["seconds"][1] for f in figures])
    # Each process's own ratio: the spread of the row from run to run.
    ratios = sorted(f["seconds"][1] / f["seconds"][0] for f in figures)
    means = [median([f["mean"][n] for f in figures]) for n in (0, 1)]
    bench.notes.append(
        f"Row 21: each process's ratio {ratios[0]:.2f}–{ratios[-1]:.2f}× over "
        f"{len(ratios)} runs; the mean job, WAL checkpoints included, "
        f"{means[1] * 1000:.2f} ms against {means[0] * 1000:.2f} ms "
        f"({means[1] / means[0]:.2f}×)."
    )

    help_runs, list_runs = interleaved(
        [
            lambda: run([bench.transhub, "--help"], env=big_env),
            lambda: run([bench.transhub, "jobs", "list"], env=big_env),
        ],
        bench.s.runs,
        warmup=bench.s.warmup,
    )
    listed = len(list_runs[-1].stdout.splitlines()) - 2  # less the header and its rule
    helps, lists = median_seconds(help_runs), median_seconds(list_runs)

    usage = run([bench.transhub, "jobs", "list", "--help"], env=big_env).stdout
    everything = (
        ["jobs", "list", "--all", "--json"] if "--all" in usage else ["jobs", "list", "--json"]
    )
    shown = " ".join(everything)
    if "--all" not in usage:
        bench.notes.append(
            "Row 23: this `transhub jobs list` has no `--all` (it lists every job already), "
            f"so the row runs `transhub {shown}`."
        )
    dumps = [run([bench.transhub, *everything], env=big_env) for _ in range(bench.s.runs)]
    dumped = records(dumps[-1].stdout)
    jobs = count + NEW_JOBS * (bench.s.runs + bench.s.warmup)
    assert dumped == jobs, f"`transhub {shown}` printed {dumped} of {jobs} jobs"
    peak = median_rss(dumps)
    return [
        Row(21, f"record a new job, journal of {count:,} completed jobs",
            f"{per_job * 1000:.2f} ms", f"empty journal {per_empty * 1000:.2f} ms",
            f"{per_job / per_empty:.2f}×", "≤ 1.2×", per_job <= 1.2 * per_empty),
        Row(22, f"`transhub jobs list` (default page: {listed:,} jobs), {count:,} jobs",
            f"{lists:.2f} s", f"`transhub --help` {helps:.2f} s", f"{lists / helps:.2f}×",
            "≤ 1.5×", lists <= 1.5 * helps),
        Row(23, f"`transhub {shown}`, {jobs:,} jobs, peak RSS",
            f"{megabytes(peak)} ({median_seconds(dumps):.2f} s)", "—", megabytes(peak),
            f"≤ {LISTING_RSS // MB} MB", peak <= LISTING_RSS),
    ]  # fmt: skip
