"""Row 19: the client's CPU time per document in a large batch.

A batch of ``cpu_documents`` small text documents through ``transhub doc translate``
against the Fanyigou emulator (task time 0, 16 channels: the batch's wall time is
mostly the runner's polling intervals, spent asleep): the client process's CPU
time (user + system, from the launcher's ``getrusage``) divided by the documents.
The same batch of one document gives the fixed cost (start-up, imports, plugins), so
the row also shows the marginal cost of a document.

Its baseline is an idiomatic client of this protocol on this HTTP library: the same
documents translated by ``requests`` alone (``client.py requests-batch``: the three
calls per document, signed, each result flushed to disk and renamed, 16 threads with
kept-alive sessions, no journal, no checks), in the same rounds.  What transhub spends
beyond it is its own: start-up, planning, the journal's durable records, channels,
rendering (its session spends less per request than ``requests``' own).
"""

from __future__ import annotations

import emulators
from measure import Run, median, run
from rows import Bench, Row

#: The target, CPU seconds per document (issue 17: half of the 9–12 ms measured).
TARGET = 0.005
CHANNELS = 16


def cpu_per_document(bench: Bench) -> list[Row]:
    """Row 19 (see the module docstring)."""
    count = bench.s.cpu_documents
    for _ in range(bench.s.warmup):
        bench.batch(CHANNELS, 0.0, count=1)  # bytecode caches: start-up, not per document
    many, one, bare = [], [], []
    for _ in range(max(1, min(bench.s.runs, 3))):  # a 400-document batch is long
        many.append(bench.batch(CHANNELS, 0.0, count=count).run)
        one.append(bench.batch(CHANNELS, 0.0, count=1).run)
        bare.append(requests_alone(bench, count))
    total = median([r.cpu_seconds for r in many])
    fixed = median([r.cpu_seconds for r in one])
    baseline = median([r.cpu_seconds for r in bare]) / count
    each = total / count
    marginal = (total - fixed) / max(1, count - 1)
    return [
        Row(19, f"client CPU per document, {count} documents ({CHANNELS} channels, D = 0)",
            f"{each * 1000:.1f} ms ({total:.2f} s CPU in all)",
            f"requests alone {baseline * 1000:.1f} ms; 1 document {fixed:.2f} s CPU (start-up)",
            f"{each * 1000:.1f} ms per document ({each / baseline:.1f}× requests alone), "
            f"{marginal * 1000:.1f} ms beyond start-up",
            f"≤ {TARGET * 1000:g} ms", each <= TARGET),
    ]  # fmt: skip


def requests_alone(bench: Bench, count: int, threads: int = CHANNELS) -> Run:
    """The row's baseline: the same documents through ``client.py requests-batch``."""
    out = bench.folder("out")
    with emulators.fanyigou(task_seconds=0.0, channels=CHANNELS) as emulator:
        env = bench.env(bench.folder("home"), emulator.environment)
        argv = bench.client("requests-batch", threads, out, *bench.documents(count))
        result = run(argv, env=env)
        saved = sum(1 for _ in out.iterdir())
        assert saved == count, f"requests-batch saved {saved} of {count} documents"
        assert len(emulator.app.log.records("downloadFile")) == count
    return result
