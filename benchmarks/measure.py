"""Measuring client processes: wall time and peak RSS of one child, medians of runs.

A child's peak RSS (``ru_maxrss``) starts from the RSS of the process that forked it
(Linux carries the parent's high-water mark across ``fork`` and ``exec``), and the
benchmark process holds emulators with large files.  So every measured command is
started by a small launcher (:mod:`launch`) that times it and reads its
``getrusage(RUSAGE_CHILDREN)``; the launcher's own few MB are the floor of the figure.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
LAUNCHER = Path(__file__).with_name("launch.py")


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    seconds: float
    #: Peak resident set size of the child, in bytes.
    peak_rss: int
    stdout: str
    stderr: str
    #: CPU time of the child (user + system), in seconds.
    cpu_seconds: float = 0.0


class ChildFailed(RuntimeError):
    """A measured command exited non-zero (or was killed at its timeout)."""


def run(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    timeout: float = 600.0,
    check: bool = True,
) -> Run:
    """Run ``argv`` to completion through the launcher; its wall time and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="measure-") as folder:
        out, err, stats = (Path(folder) / name for name in ("out", "err", "stats.json"))
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = [sys.executable, "-I", "-S", str(LAUNCHER), str(stats), str(timeout), *argv]
            code = subprocess.call(
                launcher, stdout=stdout, stderr=stderr, env=dict(env), cwd=cwd, timeout=timeout + 30
            )
        numbers = json.loads(stats.read_text()) if stats.exists() else {"seconds": 0, "rss": 0}
        result = Run(
            seconds=numbers["seconds"],
            peak_rss=numbers["rss"],
            stdout=out.read_text("utf-8", "replace"),
            stderr=err.read_text("utf-8", "replace"),
            cpu_seconds=numbers.get("cpu", 0.0),
        )
    if check and code != 0:
        raise ChildFailed(f"{' '.join(argv[:4])}… exited {code}: {result.stderr.strip()[-800:]}")
    return result


def median(values: Sequence[float]) -> float:
    """The median (of at least one value)."""
    return float(statistics.median(values))


def interleaved(
    commands: Sequence[Callable[[], Run]], runs: int, *, warmup: int = 1
) -> list[list[Run]]:
    """Run each command ``warmup`` times unrecorded, then ``runs`` rounds of all of
    them in turn (interleaving spreads the machine's drift evenly).  One list of
    runs per command."""
    for _ in range(warmup):
        for command in commands:
            command()
    results: list[list[Run]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            results[index].append(command())
    return results


def median_seconds(runs: Sequence[Run]) -> float:
    """The median wall time of runs."""
    return median([r.seconds for r in runs])


def median_rss(runs: Sequence[Run]) -> float:
    """The median peak RSS of runs, in bytes."""
    return median([r.peak_rss for r in runs])
