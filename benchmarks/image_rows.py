"""Rows 9 and 20: Alibaba image batches (issues 8 and 17), and where their time goes.

``transhub image translate`` of ``images`` (row 9) and ``many_images`` (row 20) URLs,
in tasks of 20 with the plugin's default number of tasks at once, against a fresh
emulator each run.  The bound: ⌈tasks/slots⌉ waves of D (a slot is free only once its
task finished) plus one image download (the last wave's images still have to land).
Each run's breakdown (:class:`Waves`) comes from the emulator's own clock: when each
task was created and each status request and download answered.
"""

from __future__ import annotations

import heapq
import sys
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

import emulators
from measure import Run, median, run
from rows import Bench, Row, all_done, seconds

#: URLs per Alibaba task (the service's limit; the core splits batches by it).
PER_TASK = 20


@dataclass(frozen=True)
class Waves:
    """Where an image batch's time went, from the emulator's request log: ``start``
    from the process start to the first task's creation; per task, ``seen`` the mean
    wait from its end to the status request that saw it finished; per hand-off of a
    slot (a task seen finished, the next task created in its place) ``handoff`` the
    mean wait; ``saved`` the mean time from a task seen finished to its last result
    download; ``tail`` from the last download to the end of the process."""

    start: float
    seen: float
    handoff: float
    saved: float
    tail: float
    polls: float

    def __str__(self) -> str:
        return (
            f"first task {self.start:.2f} s after the start; per task: seen done "
            f"{self.seen * 1000:.0f} ms late ({self.polls:.1f} status requests), results "
            f"saved {self.saved * 1000:.0f} ms after; per hand-off: next task "
            f"{self.handoff * 1000:.0f} ms after; tail {self.tail:.2f} s"
        )


def waves(app: Any, duration: float, slots: int, began: float, ended: float) -> Waves:
    """The :class:`Waves` of one run (wall clock ``began`` to ``ended``) of the
    Alibaba emulator ``app``, whose tasks take ``duration``."""
    from transhub_alibaba.emulator.facts import POLL

    polls: dict[str, list[float]] = {}
    for record in app.log.records(POLL):
        polls.setdefault(record.fields.get("TaskId", ""), []).append(record.time)
    downloads: dict[str, float] = {}
    for record in app.log.records("DownloadResult"):
        task = record.path.strip("/").split("/")[1]
        downloads[task] = max(downloads.get(task, 0.0), record.time)
    tasks = sorted((t.created_at, t.task_id) for t in app.emulator.tasks.values())
    free: list[float] = []  # when each slot's task was seen finished
    seen_waits, handoffs, saved = [], [], []
    for created, task in tasks:
        if len(free) >= slots:
            handoffs.append(created - heapq.heappop(free))
        end = created + duration
        later = [t for t in polls.get(task, []) if t >= end]
        seen = min(later) if later else end
        seen_waits.append(seen - end)
        saved.append(downloads.get(task, seen) - seen)
        heapq.heappush(free, seen)
    last = max(downloads.values(), default=began)
    count = len(tasks) or 1
    return Waves(
        start=tasks[0][0] - began if tasks else 0.0,
        seen=sum(seen_waits) / count,
        handoff=sum(handoffs) / len(handoffs) if handoffs else 0.0,
        saved=sum(saved) / count,
        tail=ended - last,
        polls=sum(len(p) for p in polls.values()) / count,
    )


def image_batch(
    bench: Bench, urls: list[str], task_seconds: float, slots: int
) -> tuple[Run, float, Waves]:
    """``transhub image translate`` of ``urls`` with ``slots`` tasks at once against a
    fresh emulator (it would answer a repeated submit with the earlier task), the
    median time of one result image's download, and where the time went."""
    with emulators.alibaba(task_seconds=task_seconds) as emulator:
        argv = [bench.transhub, "-c", f"alibaba.max_concurrent_tasks={slots}"]
        argv += ["image", "translate", *urls, "--to", "en", "--provider", "alibaba"]
        argv += ["-o", str(bench.folder("images")), "--json"]
        env = bench.env(bench.folder("home"), emulator.environment)
        began = time.time()
        result = all_done(run(argv, env=env), len(urls))
        gaps = waves(emulator.app, task_seconds, slots, began, began + result.seconds)
        task = next(iter(emulator.app.emulator.tasks))
        one = f"{emulator.url}/results/{task}/0/final.png"
        fetches = []
        for _ in range(5):
            start = time.perf_counter()
            with urllib.request.urlopen(one, timeout=30) as response:
                response.read()
            fetches.append(time.perf_counter() - start)
    return result, median(fetches), gaps


def images(bench: Bench) -> list[Row]:
    """Rows 9 and 20 (see the module docstring)."""
    from transhub_alibaba.settings import AlibabaSettings

    slots = int(AlibabaSettings.model_fields["max_concurrent_tasks"].default)
    said: list[str] = []
    rows = [
        image_row(bench, 9, bench.s.images, slots, said),
        image_row(bench, 20, bench.s.many_images, slots, said),
    ]
    bench.notes.append(
        "Rows 9 and 20, where the time beyond the bound goes (from the emulator's task "
        f"creations, status requests and downloads): {'; '.join(said)}."
    )
    return rows


def image_row(bench: Bench, number: int, count: int, slots: int, said: list[str]) -> Row:
    """One image batch size, measured ``runs`` times, against its lower bound."""
    urls = [f"https://img.example.com/bench/p{n:03d}.jpg" for n in range(count)]
    d = bench.s.task_seconds
    for _ in range(bench.s.warmup):
        image_batch(bench, urls, 0.0, slots)
    runs = [image_batch(bench, urls, d, slots) for _ in range(bench.s.runs)]
    for result, _, gaps in runs:
        line = f"{count} URLs {result.seconds:.2f} s: {gaps}"
        print(f"rows 9, 20: {line}", file=sys.stderr)
        said.append(line)
    took = median([r.seconds for r, _, _ in runs])
    tasks = -(-len(urls) // PER_TASK)
    rounds = -(-tasks // slots)
    bound = rounds * d + median([fetch for _, fetch, _ in runs])
    return Row(number,
               f"Alibaba: {len(urls)} image URLs ({tasks} tasks, {slots} at once), D = {d:g} s",
               seconds(took),
               f"lower bound ⌈{tasks}/{slots}⌉·D + one image download = {seconds(bound)}",
               f"{took / bound:.2f}×" if d else "—", "≤ 1.5×",
               took <= 1.5 * bound)  # fmt: skip
