"""The rows of the benchmark table, measured in groups that share emulators and files."""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import emulators
import journal_seed
from measure import MB, Run, interleaved, median, median_rss, median_seconds, run

CLIENT = Path(__file__).resolve().with_name("client.py")
BASELINE_IMPORTS = "import click, requests, pluggy, pydantic_settings"


@dataclass(frozen=True)
class Settings:
    """What one benchmark run measures, and how often."""

    runs: int = 5
    warmup: int = 1
    #: D: seconds each emulated task takes.
    task_seconds: float = 1.5
    upload_mb: int = 50
    pdf_mb: int = 50
    docx_mb: int = 30
    documents: int = 20
    images: int = 100
    many_images: int = 400
    #: The batch whose CPU time per document row 19 measures.
    cpu_documents: int = 400
    journal_rows: int = 10_000
    #: The large journal of rows 21–23.
    big_journal_rows: int = 100_000
    #: The local provider's rows 13–14: images read, and dictionary look-ups.
    ocr_images: int = 20
    lookups: int = 1_000
    #: Cluster mode's rows 30–31: documents queued to the workers.
    cluster_documents: int = 200


@dataclass
class Row:
    """One row of the table.  ``met`` is ``None`` when there is no target to meet."""

    number: int
    what: str
    measured: str
    baseline: str
    result: str
    target: str
    met: bool | None

    @property
    def verdict(self) -> str:
        """met, MISSED, or reported (no target)."""
        return {True: "met", False: "**MISSED**", None: "reported"}[self.met]


@dataclass
class Batch:
    """One ``transhub doc translate`` of the batch, and what the emulator saw."""

    run: Run
    #: Status requests (``queryTransProgress``) per document.
    polls: list[int]
    #: The same command run again at once (dedupe), and the requests it sent.
    again: Run | None = None
    again_requests: int = 0


def seconds(value: float) -> str:
    """``1.234`` → ``1.23 s``."""
    return f"{value:.2f} s"


def megabytes(value: float) -> str:
    """Bytes as MB with one decimal."""
    return f"{value / MB:.1f} MB"


def call_seconds(runs: list[Run]) -> float:
    """The median of the transfer-call times the clients print (see client.py)."""
    return median([json.loads(r.stdout)["seconds"] for r in runs])


@contextlib.contextmanager
def watched(path: Path) -> Iterator[list[int]]:
    """Every size ``path`` is seen with (polled every 10 ms) while the block runs:
    a file written atomically is only ever seen complete."""
    seen: list[int] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            with contextlib.suppress(FileNotFoundError):
                seen.append(path.stat().st_size)
            stop.wait(0.01)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield seen
    finally:
        stop.set()
        watcher.join()


def all_done(result: Run, count: int) -> Run:
    """A batch run, after checking that each of its ``count`` inputs succeeded."""
    records = json.loads(result.stdout)  # --json: one array of the inputs' records
    # An item's word: "status", "completed" or "reused" (issue 13's vocabulary).
    states = collections.Counter(r["status"] for r in records)
    completed = sum(states.get(word, 0) for word in ("completed", "reused"))
    assert completed == count == sum(states.values()), f"{states}: {result.stderr[-500:]}"
    return result


class Bench:
    """The rows, grouped by what they share; notes for the report gather in ``notes``."""

    def __init__(self, settings: Settings, work: Path) -> None:
        self.s = settings
        self.work = work
        self.python = sys.executable
        script = Path(sys.executable).with_name("transhub")
        self.transhub = str(script) if script.exists() else shutil.which("transhub") or "transhub"
        self.notes: list[str] = []
        self._folders = itertools.count(1)

    # -- plumbing --------------------------------------------------------------------

    def folder(self, name: str) -> Path:
        """A new empty folder in the work folder."""
        path = self.work / f"{name}-{next(self._folders)}"
        path.mkdir(parents=True)
        return path

    def env(self, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        """A client's environment: its own ``TRANSHUB_HOME``, none of the caller's
        transhub settings, the two real plugins, and ``extra``."""
        from transhub.testing import isolated_environment

        env = isolated_environment(home, plugins="fanyigou,alibaba")
        # Bytecode caches as on any user's machine: a warm-up run writes missing ones.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(extra or {})
        return env

    def client(self, *args: str | Path) -> list[str]:
        """The command line of one of the measured Python clients (client.py)."""
        return [self.python, str(CLIENT), *map(str, args)]

    def text_file(self, name: str, size: int) -> Path:
        """A UTF-8 text document of ``size`` bytes, in lines of 1000 characters."""
        path = self.work / name
        if not path.exists():
            line = (b"A line of a long document to translate. " * 25)[:999] + b"\n"
            with path.open("wb") as handle:
                for _ in range(size // len(line)):
                    handle.write(line)
                handle.write(b"x" * (size % len(line)))
        return path

    def ratio_row(
        self, number: int, what: str, value: float, baseline: str, base: float, limit: float
    ) -> Row:
        """A row whose target is ``value / base ≤ limit``."""
        ratio = value / base
        return Row(number, what, seconds(value), f"{baseline} {seconds(base)}",
                   f"{ratio:.2f}×", f"≤ {limit:g}×", ratio <= limit)  # fmt: skip

    # -- rows 1, 2, 11: start-up and a big journal -----------------------------------

    def startup(self) -> list[Row]:
        """``--help``, ``providers`` and ``jobs list`` against the import baseline."""
        home = journal_seed.seeded_home(self, self.s.journal_rows)
        env = self.env(home)
        commands = [
            [self.python, "-c", BASELINE_IMPORTS],
            [self.transhub, "--help"],
            [self.transhub, "providers"],
            [self.transhub, "jobs", "list"],
        ]
        base, help_, providers, jobs = interleaved(
            [lambda argv=argv: run(argv, env=env) for argv in commands],  # type: ignore[misc]
            self.s.runs,
            warmup=self.s.warmup,
        )
        listed = len(jobs[-1].stdout.splitlines()) - 2  # less the header and its rule
        # Every job, or (once listings are paged) a page of them.
        assert 0 < listed <= self.s.journal_rows, f"jobs list printed {listed} rows"
        b, h = median_seconds(base), median_seconds(help_)
        imports = f"`python -c {BASELINE_IMPORTS!r}`"
        rows = self.s.journal_rows
        return [
            self.ratio_row(1, "`transhub --help`, cold process", h, imports, b, 0.5),
            self.ratio_row(2, "`transhub providers`, both plugins", median_seconds(providers),
                           imports, b, 0.7),
            self.ratio_row(11, f"`transhub jobs list`, {rows:,} journal rows",
                           median_seconds(jobs), "`transhub --help`", h, 2),
        ]  # fmt: skip

    # -- row 5: the vendor SDK -------------------------------------------------------

    def vendor_sdk(self) -> list[Row]:
        """The same upload with the vendor's SDK (https only) and with transhub, both
        over TLS to the same emulator."""
        import importlib.util

        what = f"{self.s.upload_mb} MB upload with the vendor SDK (`qingxun-openapi-python-sdk`)"
        needed = {"qingxun-openapi-python-sdk": "TranslateApi", "trustme": "trustme"}
        missing = [name for name, module in needed.items() if not importlib.util.find_spec(module)]
        if missing:
            why = f"not measurable: {', '.join(missing)} not installed (`nox -s bench` has them)"
            return [Row(5, what, "—", "transhub's", why, "report both", None)]
        context, bundle = emulators.tls_context(self.work)
        large = self.text_file(f"upload-{self.s.upload_mb}mb.txt", self.s.upload_mb * MB)
        with emulators.fanyigou(task_seconds=0.0, ssl_context=context) as emulator:
            env = self.env(self.folder("home"), emulator.environment)
            env["REQUESTS_CA_BUNDLE"] = str(bundle)  # trusted by the SDK and transhub alike
            host = emulator.url.removeprefix("https://")
            sdk, own = interleaved(
                [
                    lambda: run(self.client("sdk-upload", large, host), env=env),
                    lambda: run(self.client("upload", large), env=env),
                ],
                self.s.runs,
                warmup=self.s.warmup,
            )
        return [
            Row(5, what,
                f"SDK {seconds(median_seconds(sdk))} (call {seconds(call_seconds(sdk))}), "
                f"{megabytes(median_rss(sdk))}",
                f"transhub {seconds(median_seconds(own))} (call {seconds(call_seconds(own))}), "
                f"{megabytes(median_rss(own))}",
                f"time {median_seconds(sdk) / median_seconds(own):.2f}×, call "
                f"{call_seconds(sdk) / call_seconds(own):.2f}×, peak RSS "
                f"{median_rss(sdk) / median_rss(own):.1f}× transhub's",
                "report both (https)", None)
        ]  # fmt: skip

    # -- rows 6, 7, 8, 10: document batches ------------------------------------------

    def documents(self, count: int) -> list[Path]:
        """A batch of ``count`` small text documents, each different."""
        folder = self.work / f"documents-{count}"
        if not folder.exists():
            folder.mkdir()
            for n in range(count):
                lines = (f"Document {n}, paragraph {p}: a sentence.\n" for p in range(20))
                (folder / f"doc-{n:04d}.txt").write_text("".join(lines), encoding="utf-8")
        return sorted(folder.iterdir())

    def batch(
        self,
        channels: int,
        task_seconds: float,
        *,
        callback: bool = False,
        again: bool = False,
        count: int | None = None,
    ) -> Batch:
        """Translate a batch (``documents`` of them unless ``count``) with a fresh
        journal, output folder and emulator."""
        count = self.s.documents if count is None else count
        home, out = self.folder("home"), self.folder("out")
        argv = [self.transhub, *(["-c", f"fanyigou.channels={channels}"] if channels > 1 else [])]
        argv += ["doc", "translate", *map(str, self.documents(count)), "--to", "zh"]
        argv += ["--jobs", str(channels)] if channels > 4 else []  # 4 at once is the default
        argv += ["--provider", "fanyigou", "-o", str(out), "-q", "--json"]
        with contextlib.ExitStack() as stack:
            url = stack.enter_context(emulators.callback_receiver(home)) if callback else None
            emulator = stack.enter_context(
                emulators.fanyigou(task_seconds=task_seconds, channels=channels, callback_url=url)
            )
            env = self.env(home, emulator.environment)
            if callback:
                env["TRANSHUB_FANYIGOU_CALLBACKS"] = "true"  # wait for callbacks, not polls
            log = emulator.app.log
            result = Batch(run=all_done(run(argv, env=env), count), polls=[])
            polls = collections.Counter(r.fields["tid"] for r in log.records("queryTransProgress"))
            result.polls = [polls[r.fields["tid"]] for r in log.records("downloadFile")]
            if again:
                before = len(log)
                result.again = all_done(run(argv, env=env), count)
                result.again_requests = len(log) - before
        return result

    def batch_row(self, number: int, channels: int, batches: list[Batch]) -> Row:
        """Rows 6 and 7: the median batch time against the lower bound."""
        d, count = self.s.task_seconds, self.s.documents
        waves = -(-count // channels)
        bound = waves * d
        took = median([b.run.seconds for b in batches])
        limit = 1.05 * bound + 2
        plural = "s" if channels > 1 else ""
        return Row(number, f"{count} documents, task time D = {d:g} s, {channels} channel{plural}",
                   seconds(took), f"lower bound {waves}·D = {seconds(bound)}",
                   f"{took / bound:.2f}×" if d else "—",
                   f"≤ 1.05× + 2 s = {seconds(limit)}", took <= limit)  # fmt: skip

    def batches(self) -> list[Row]:
        """The batch on 1 channel (rows 6, 8, 10: run again at once to dedupe), on 4
        channels (row 7), and once with the callback server (row 8)."""
        d = self.s.task_seconds
        for _ in range(self.s.warmup):
            self.batch(1, 0.0)
        one, four = [], []
        for _ in range(self.s.runs):
            one.append(self.batch(1, d, again=True))
            four.append(self.batch(4, d))
        called = self.batch(1, d, callback=True)
        polls = [p for b in one for p in b.polls]
        allowed = d / 2 + 3
        again = median([b.again.seconds for b in one if b.again])
        sent = max(b.again_requests for b in one)
        self.notes.append(
            "Row 8: the callback figure is from one more run of the row-6 batch, with the "
            "plugin's callback receiver running and the emulator posting signed callbacks."
        )
        return [
            self.batch_row(6, 1, one),
            self.batch_row(7, 4, four),
            Row(8, "status requests per document in row 6",
                f"polling: max {max(polls)}, mean {sum(polls) / len(polls):.1f}; "
                f"callback server: max {max(called.polls)}", "—",
                f"{max(polls)} polling, {max(called.polls)} with callbacks",
                f"≤ D/2 s + 3 = {allowed:g} polling; 0 with callbacks",
                max(polls) <= allowed and max(called.polls) == 0),
            Row(10, "the batch of row 6 run again (dedupe)", seconds(again), "—",
                f"{seconds(again)}, {sent} provider requests", "< 2 s, 0 requests",
                again < 2 and sent == 0),
        ]  # fmt: skip
