"""transhub against its baselines, side by side in one run (issue 8).

    python benchmarks/run.py               the full run: prints the table and writes
                                           docs/benchmarks.md (what `nox -s bench` does)
    python benchmarks/run.py --smoke -o X  seconds: one run, small files, no task time
    python benchmarks/run.py --only 6,7    some rows (with their group); writes nothing
                                           unless -o is given

Each measured client is its own process (wall time and its own peak RSS: measure.py);
the emulators run in this process on loopback (emulators.py); the rows are in rows.py.
Times are medians of --runs runs after a warm-up, against baselines measured in the
same run; commands compared with each other run interleaved.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import journal_rows
import load_rows
import transfer_rows
from rows import Bench, Row, Settings

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SMOKE = Settings(runs=1, warmup=0, task_seconds=0.0, upload_mb=2, pdf_mb=2, docx_mb=2,
                 documents=2, images=21, many_images=41, cpu_documents=3, journal_rows=50,
                 big_journal_rows=60)  # fmt: skip
#: The groups of rows, each measured by one function of a :class:`rows.Bench`.
GROUPS: dict[tuple[int, ...], Callable[[Bench], list[Row]]] = {
    (1, 2, 11): Bench.startup,
    (3, 4, 12): transfer_rows.text_transfers,
    (13, 14, 15, 16): transfer_rows.document_transfers,
    (5,): Bench.vendor_sdk,
    (6, 7, 8, 10): Bench.batches,
    (9, 18): Bench.images,
    (17,): load_rows.cpu_per_document,
    (19, 20, 21): journal_rows.journal_rows,
}


def machine() -> str:
    """CPU model, cores, memory and system, on one line."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kilobytes / 1024**2:.0f} GiB"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def render(rows: list[Row], settings: Settings, notes: list[str], elapsed: float) -> str:
    """The Markdown report: how it was measured, on what, and the table."""
    rows = sorted(rows, key=lambda r: r.number)
    missed = [str(r.number) for r in rows if r.met is False]
    lines = [
        "# Benchmarks",
        "",
        "Written by `nox -s bench` (`benchmarks/run.py`); the rows and targets are issue 8's.",
        "Times are medians of runs after a warm-up, compared with baselines measured in the",
        "same run; memory is the peak RSS of the client process. The providers' emulators",
        "run on loopback in the benchmark's process.",
        "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- Runs: {settings.runs} measured after {settings.warmup} warm-up; "
        f"emulator task time D = {settings.task_seconds:g} s; the whole benchmark took "
        f"{elapsed:.0f} s",
        "",
        "| # | what | measured | compared with | result | target | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {r.number} | {r.what} | {r.measured} | {r.baseline} | {r.result} | "
            f"{r.target} | {r.verdict} |"
            for r in rows
        ),
        "",
        f"Missed: rows {', '.join(missed)}." if missed else "Every target is met.",
    ]
    if notes:
        lines += ["", "Notes:", "", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, write it (see the module docstring)."""
    parser = argparse.ArgumentParser(description="transhub's benchmarks (issue 8)")
    parser.add_argument("--smoke", action="store_true", help="a seconds-long sanity run")
    parser.add_argument("--runs", type=int, help="measured runs per row (default 5)")
    parser.add_argument("--task-seconds", type=float, help="D, the emulated task time")
    parser.add_argument("--only", help="comma-separated rows to measure (with their group)")
    parser.add_argument("-o", "--output", type=Path, help="where to write the Markdown table")
    args = parser.parse_args(argv)
    settings = SMOKE if args.smoke else Settings()
    if args.runs is not None:
        settings = replace(settings, runs=args.runs)
    if args.task_seconds is not None:
        settings = replace(settings, task_seconds=args.task_seconds)
    wanted = {int(n) for n in args.only.split(",")} if args.only else None
    output = args.output or (DOCS if wanted is None and not args.smoke else None)
    start = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="transhub-bench-") as work:
        bench = Bench(settings, Path(work))
        for numbers, measure in GROUPS.items():
            if wanted is None or wanted & set(numbers):
                began = time.perf_counter()
                rows += measure(bench)
                took = time.perf_counter() - began
                print(
                    f"benchmark: rows {', '.join(map(str, numbers))}: {took:.0f} s", file=sys.stderr
                )
    report = render(rows, settings, bench.notes, time.perf_counter() - start)
    print(report)
    if output is not None:
        output.write_text(report, encoding="utf-8")
        print(f"benchmark: written to {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
