"""Large uploads and downloads (rows 3, 4, 12 for text; 15–18 for a PDF and a DOCX):
peak RSS against a 1 MB file of the same type, and the upload call against curl.

Each upload goes through what a run does before sending: validation (a PDF's
encryption check, an image's header), the journal's digest, the provider's MD5 and
the streamed multipart request.  The download saves the emulator's result of that
very task.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import emulators
import inputs
from measure import MB, Run, interleaved, median_rss, median_seconds, run
from rows import Bench, Row, call_seconds, megabytes, seconds, watched

#: Growth of the peak RSS allowed for a large file over a 1 MB one.
GROWTH = 10 * MB


@dataclass
class Transfers:
    """The uploads of a 1 MB and a large file, their downloads, and a baseline upload."""

    small: Path
    large: Path
    uploads: tuple[list[Run], list[Run]] = ([], [])
    baseline: list[Run] = field(default_factory=list)
    baseline_name: str = ""
    downloads: tuple[list[Run], list[Run]] = ([], [])
    #: Sizes of the downloaded results (small, large), and any size seen mid-write.
    results: tuple[int, int] = (0, 0)
    partial: list[int] = field(default_factory=list)

    def growth(self, runs: tuple[list[Run], list[Run]]) -> float:
        """Peak RSS of the large file's runs over the small one's."""
        return median_rss(runs[1]) - median_rss(runs[0])


def baseline_upload(
    bench: Bench, emulator: emulators.Emulator, path: Path
) -> tuple[list[str], str]:
    """``curl -F`` of the file and the very fields transhub sends (or, without curl,
    a minimal streamed ``http.client`` upload); and its name for the table."""
    from transhub.files import file_digest

    from transhub_fanyigou import signing
    from transhub_fanyigou.client import DocumentSubmission
    from transhub_fanyigou.emulator import BASE_PATH, TEST_APPID, TEST_PRIVATE_KEY

    params = {"md5": file_digest(path, "md5"), **DocumentSubmission(target="zh").params()}
    fields = signing.sign(params, TEST_APPID, TEST_PRIVATE_KEY)
    url = f"{emulator.url}{BASE_PATH}/uploadTranslate"
    curl = shutil.which("curl")
    if curl is None:
        bench.notes.append(
            "Row 4: curl is not installed on this machine; the baseline is a minimal "
            "streamed `http.client` upload instead (`benchmarks/client.py raw-upload`)."
        )
        return bench.client("raw-upload", path, url, json.dumps(fields)), "http.client"
    form = [arg for k, v in fields.items() for arg in ("--form-string", f"{k}={v}")]
    # "Expect:" off: curl would otherwise wait for a "100 Continue" before a large body.
    argv = [curl, "-sS", "--fail", "-o", "/dev/null", "-H", "Expect:", *form]
    return [*argv, "-F", f"file=@{path};type=application/octet-stream", url], "`curl -F`"


def measure(bench: Bench, small: Path, large: Path, *, against_curl: bool = False) -> Transfers:
    """Upload both files (interleaved, with curl's upload of the large one when
    asked), then download both results."""
    found = Transfers(small, large)
    with emulators.fanyigou(task_seconds=0.0) as emulator:
        env = bench.env(bench.folder("home"), emulator.environment)
        commands: list[Callable[[], Run]] = [
            lambda: run(bench.client("upload", small), env=env),
            lambda: run(bench.client("upload", large), env=env),
        ]
        if against_curl:
            baseline, found.baseline_name = baseline_upload(bench, emulator, large)
            commands.append(lambda: run(baseline, env=env))
        measured = interleaved(commands, bench.s.runs, warmup=bench.s.warmup)
        found.uploads = (measured[0], measured[1])
        found.baseline = measured[2] if against_curl else []
        sizes = {r.file_size for r in emulator.app.log.records("uploadTranslate")}
        assert sizes == {small.stat().st_size, large.stat().st_size}, sizes
        tasks = [json.loads(r[-1].stdout)["task_id"] for r in found.uploads]
        download_both(bench, env, found, *tasks)
    return found


def download_both(bench: Bench, env: dict[str, str], found: Transfers, *tasks: str) -> None:
    """Save both results, interleaved; a result must only ever be seen complete, and
    nothing may be left beside it."""
    sizes: dict[str, int] = {}

    def download(task: str) -> Run:
        destination = bench.folder("download") / f"result.zh{found.small.suffix}"
        with watched(destination) as seen:
            result = run(bench.client("download", task, destination), env=env)
        final = destination.stat().st_size
        found.partial.extend(size for size in seen if size != final)
        leftovers = [p.name for p in destination.parent.iterdir() if p != destination]
        assert not leftovers, f"temporary files left behind: {leftovers}"
        sizes[task] = final
        shutil.rmtree(destination.parent)
        return result

    small_task, large_task = tasks
    small_runs, large_runs = interleaved(
        [lambda: download(small_task), lambda: download(large_task)],
        bench.s.runs,
        warmup=bench.s.warmup,
    )
    found.downloads = (small_runs, large_runs)
    found.results = (sizes[small_task], sizes[large_task])


def upload_row(number: int, what: str, found: Transfers) -> Row:
    """Peak RSS of the large upload against the small one's."""
    growth = found.growth(found.uploads)
    return Row(number, f"{what}, peak RSS", megabytes(median_rss(found.uploads[1])),
               f"1 MB {found.small.suffix} upload {megabytes(median_rss(found.uploads[0]))}",
               f"{growth / MB:+.1f} MB", "growth ≤ 10 MB", growth <= GROWTH)  # fmt: skip


def download_row(number: int, found: Transfers, *, large_at_least: int) -> Row:
    """Peak RSS of the large result's download against the small one's; a result
    under ``large_at_least`` bytes is reported, not judged (it proves nothing)."""
    growth = found.growth(found.downloads)
    small, large = found.results
    atomic = "atomic" if not found.partial else "PARTIAL FILE SEEN"
    result = f"{growth / MB:+.1f} MB; {atomic}"
    met: bool | None = growth <= GROWTH and not found.partial
    if large < large_at_least:
        result += f" (the emulator's result is only {megabytes(large)})"
        met = None
    return Row(number,
               f"download of the {found.large.suffix} result ({megabytes(large)}), peak RSS",
               megabytes(median_rss(found.downloads[1])),
               f"{megabytes(small)} result {megabytes(median_rss(found.downloads[0]))}",
               result, "growth ≤ 10 MB; atomic", met)  # fmt: skip


def text_transfers(bench: Bench) -> list[Row]:
    """Rows 3, 4, 12: a large text upload (memory, time against curl) and download."""
    mb = bench.s.upload_mb
    small = bench.text_file("upload-1mb.txt", 1 * MB)
    large = bench.text_file(f"upload-{mb}mb.txt", mb * MB)
    found = measure(bench, small, large, against_curl=True)
    call, whole = call_seconds(found.uploads[1]), median_seconds(found.uploads[1])
    base = median_seconds(found.baseline)
    bench.notes.append(
        "Row 4 times transhub's upload call (`submit`: the streamed multipart request and "
        "the answer; the MD5 comes from the one pass that hashed the file for the journal "
        "just before, as in a run), as curl's process does the upload; the whole client "
        f"process (interpreter, imports, plugins, input checks, that hashing) took "
        f"{seconds(whole)}, {whole / base:.2f}× curl's."
    )
    return [
        upload_row(3, f"upload {mb} MB text to the Fanyigou emulator (to task id)", found),
        Row(4, f"upload {mb} MB (to task id), wall time",
            f"{seconds(call)} (whole process {seconds(whole)})",
            f"{found.baseline_name} {seconds(base)}", f"{call / base:.2f}×", "≤ 1.2×",
            call / base <= 1.2),
        download_row(12, found, large_at_least=(mb - 1) * MB),
    ]  # fmt: skip


def document_transfers(bench: Bench) -> list[Row]:
    """Rows 15–18: a PDF of scanned pages and a DOCX with pictures, up and down."""
    rows = []
    for (upload, download), kind, mb, make in (
        ((15, 16), "pdf", bench.s.pdf_mb, inputs.pdf),
        ((17, 18), "docx", bench.s.docx_mb, inputs.docx),
    ):
        small = bench.work / f"upload-1mb.{kind}"
        large = bench.work / f"upload-{mb}mb.{kind}"
        for path, size in ((small, 1 * MB), (large, mb * MB)):
            if not path.exists():
                make(path, size)
        found = measure(bench, small, large)
        what = f"upload a {megabytes(large.stat().st_size)} {kind.upper()} (to task id)"
        rows += [
            upload_row(upload, what, found),
            download_row(download, found, large_at_least=(mb - 1) * MB),
        ]
    if rows[1].met is None:
        bench.notes.append(
            "Row 16: the Fanyigou emulator answers a PDF's translation with a text PDF of as "
            "many pages (`outputs.pdf`), not a file of the original's size, so the row cannot "
            "show a large PDF download; downloads stream whatever the type (rows 12 and 18)."
        )
    return rows
