"""The measured clients, each run as its own process by the benchmark.

    python benchmarks/client.py upload PATH            transhub: upload to task id
    python benchmarks/client.py download TASK DEST     transhub: save a finished result
    python benchmarks/client.py sdk-upload PATH HOST   the vendor SDK: upload to task id
    python benchmarks/client.py raw-upload PATH URL FIELDS_JSON
                                                       http.client, streamed (curl stand-in)
    python benchmarks/client.py requests-batch THREADS OUT PATH...
                                                       requests alone: each document
                                                       uploaded, polled and saved, on
                                                       THREADS threads (row 19's baseline)
    python benchmarks/client.py journal-jobs COUNT DATA...
                                                       transhub's journals in the DATA
                                                       folders: record COUNT new jobs in
                                                       each as the runner does, in turn

The transhub clients go through the public Python API (``transhub.Hub``), configured
by the environment (``TRANSHUB_HOME``, ``TRANSHUB_FANYIGOU_*``) like any user's
program.  Each prints one JSON object: the task id (or saved path) and ``seconds``,
the time of the transfer call alone (after start-up, imports, routing and checks).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def upload(path: Path) -> dict[str, Any]:
    """Validate, route and submit one document through transhub, as the runner does:
    the input's digest for the journal first (its fingerprint), then the upload."""
    import requests_toolbelt  # noqa: F401 - imported by the first upload; start-up, not transfer
    import transhub
    from transhub.files import file_digest

    hub = transhub.Hub()
    try:
        plan = hub.prepare_document(path, "zh", provider="fanyigou")
        translator = hub.instance(plan.implementation)
        file_digest(path)  # the journal's SHA-256, before anything is sent
        start = time.perf_counter()
        task_id = translator.submit(plan.request)
        return {"task_id": task_id, "seconds": time.perf_counter() - start}
    finally:
        hub.close()


def download(task_id: str, destination: Path) -> dict[str, Any]:
    """Save a finished Fanyigou document result through transhub."""
    import transhub
    from transhub.capabilities.document import DocumentTranslator, OutputKind
    from transhub.capabilities.kinds import Capability

    hub = transhub.Hub()
    try:
        cls = hub.route(Capability.DOCUMENT, provider="fanyigou")
        assert issubclass(cls, DocumentTranslator)
        translator = hub.instance(cls)
        import requests  # noqa: F401 - imported by the first request: start-up, not transfer

        start = time.perf_counter()
        saved = translator.download(task_id, destination, OutputKind.SAME)
        return {"path": str(saved.path), "seconds": time.perf_counter() - start}
    finally:
        hub.close()


def sdk_upload(path: Path, host: str) -> dict[str, Any]:
    """The vendor SDK's ``uploadTranslate`` (it always speaks https://HOST)."""
    from TranslateApi import document_translation  # qingxun-openapi-python-sdk (imports requests)

    start = time.perf_counter()
    response = document_translation.uploadTranslate(
        host,
        os.environ["TRANSHUB_FANYIGOU_APPID"],
        os.environ["TRANSHUB_FANYIGOU_PRIVATE_KEY"],
        "auto",
        "zh",
        str(path),
        path.name,
    )
    answer = response.json()
    if answer.get("code") != 100:
        raise SystemExit(f"uploadTranslate answered {answer}")
    return {"task_id": str(answer["data"]["tid"]), "seconds": time.perf_counter() - start}


def raw_upload(path: Path, url: str, fields: dict[str, str]) -> dict[str, Any]:
    """A minimal streamed multipart POST with ``http.client`` (used when curl is absent)."""
    import http.client
    import secrets
    from urllib.parse import urlsplit

    start = time.perf_counter()
    boundary = secrets.token_hex(16)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=120)
    connection.putrequest("POST", parts.path)
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    connection.endheaders()
    connection.send(head)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            connection.send(chunk)
    connection.send(tail)
    answer = json.loads(connection.getresponse().read())
    if answer.get("code") != 100:
        raise SystemExit(f"uploadTranslate answered {answer}")
    return {"task_id": str(answer["data"]["tid"]), "seconds": time.perf_counter() - start}


def requests_batch(threads: int, out: Path, paths: list[Path]) -> dict[str, Any]:
    """Row 19's baseline: the documents translated with ``requests`` alone and nothing
    else of transhub — the three calls a document needs (``uploadTranslate``,
    ``queryTransProgress`` until 314, ``downloadFile``), signed as the reference says,
    each result streamed to a temporary file, flushed to disk and renamed, on
    ``threads`` threads with a kept-alive session each.  No journal, no plan, no
    checks: what an idiomatic client of this protocol on this HTTP library spends."""
    import hashlib
    import secrets
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import requests

    endpoint = os.environ["TRANSHUB_FANYIGOU_ENDPOINT"].rstrip("/")
    appid, key = os.environ["TRANSHUB_FANYIGOU_APPID"], os.environ["TRANSHUB_FANYIGOU_PRIVATE_KEY"]
    local = threading.local()

    def call(name: str, fields: dict[str, str], **kwargs: Any) -> requests.Response:
        fields = {**fields, "appid": appid, "nonce_str": secrets.token_hex(8)}
        signed = "&".join(f"{k}={v}" for k, v in sorted({**fields, "privatekey": key}.items()))
        fields["token"] = hashlib.md5(signed.encode(), usedforsecurity=False).hexdigest().upper()
        if not hasattr(local, "session"):
            local.session = requests.Session()
            # The environment's proxies and CA bundle once, not at every request (as
            # transhub's session does): a loopback emulator needs neither.
            local.session.trust_env = False
        response = local.session.post(f"{endpoint}/{name}", data=fields, timeout=60, **kwargs)
        response.raise_for_status()
        return response

    def answer(response: requests.Response) -> Any:
        body = response.json()
        if body.get("code") not in (100, 314):
            raise SystemExit(f"{response.url} answered {body}")
        return body.get("data")

    def translate(path: Path) -> int:
        with path.open("rb") as handle:
            md5 = hashlib.file_digest(handle, "md5").hexdigest()
            handle.seek(0)
            form = {"from": "auto", "to": "zh", "md5": md5}
            sent = call("uploadTranslate", form, files={"file": (path.name, handle)})
            tid = str(answer(sent)["tid"])
        polls = 1
        while answer(call("queryTransProgress", {"tid": tid}))["status"] != 314:
            polls += 1
            time.sleep(0.05)
        response = call("downloadFile", {"tid": tid, "dtype": "3"}, stream=True)
        final = out / path.name
        part = final.with_name(final.name + ".part")
        with part.open("wb") as handle:
            for chunk in response.iter_content(64 * 1024):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        part.replace(final)
        return polls

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        polls = sum(pool.map(translate, paths))
    return {"documents": len(paths), "polls": polls, "seconds": time.perf_counter() - start}


def journal_jobs(count: int, folders: list[Path]) -> dict[str, Any]:
    """Record ``count`` new completed document jobs in each journal (``open_journal``
    of each data folder) through the public API, each as the runner records one
    (claim — the fingerprint looked up among live and completed jobs, the job created
    — then complete).  The journals take turns job by job (in the order A B B A, so
    neither always goes first), so the machine's load and drift fall on all of them
    alike; per journal, the median seconds of one job and the mean (every job, the
    WAL checkpoints some of them run included)."""
    import hashlib
    import secrets
    import statistics

    from transhub.jobs.owners import this_process
    from transhub.jobs.requests import DocumentJobRequest
    from transhub.journal import Item, JobState, open_journal

    journals = [open_journal(folder) for folder in folders]
    owner = str(this_process())
    took: list[list[float]] = [[] for _ in journals]
    order = [*range(len(journals)), *reversed(range(len(journals)))]
    try:
        for turn in range(count * len(journals)):
            index = order[turn % len(order)]
            journal = journals[index]
            name = f"/home/user/reports/new-{secrets.token_hex(4)}.docx"
            sha = hashlib.sha256(name.encode()).hexdigest()
            fingerprint = hashlib.sha256(sha.encode()).hexdigest()
            start = time.perf_counter()
            item = Item(0, name, fingerprint, {"document": name.replace(".docx", ".zh.docx")},
                        input_size=48_213, input_sha256=sha)  # fmt: skip
            request = DocumentJobRequest(path=Path(name), target="zh")
            (slot,) = journal.claim(
                provider="fanyigou", capability="document", request=lambda _items, r=request: r,
                items=[item], owner=owner,
            )  # fmt: skip
            if slot.new:
                journal.update(slot.job_id, state=JobState.COMPLETED, task_id=secrets.token_hex(8))
            took[index].append(time.perf_counter() - start)
    finally:
        for journal in journals:
            journal.close()
    return {
        "seconds": [statistics.median(times) for times in took],
        "mean": [statistics.mean(times) for times in took],
    }


def main(argv: list[str]) -> None:
    """Dispatch on the first argument (see the module docstring)."""
    command, *args = argv
    if command == "upload":
        result = upload(Path(args[0]))
    elif command == "download":
        result = download(args[0], Path(args[1]))
    elif command == "sdk-upload":
        result = sdk_upload(Path(args[0]), args[1])
    elif command == "raw-upload":
        result = raw_upload(Path(args[0]), args[1], json.loads(args[2]))
    elif command == "requests-batch":
        result = requests_batch(int(args[0]), Path(args[1]), [Path(path) for path in args[2:]])
    elif command == "journal-jobs":
        result = journal_jobs(int(args[0]), [Path(folder) for folder in args[1:]])
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
