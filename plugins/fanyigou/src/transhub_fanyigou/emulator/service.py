"""The emulated service: accounts, tasks, balances, channels and callbacks.

HTTP-free: :mod:`transhub_fanyigou.emulator.app` parses requests and hands each call
here as a dict of parameters and an optional uploaded file; every method returns the
answer the real service gives (``{"code", "msg", "data"}``) or a file to send.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

# Tokens are checked with the plugin's signing module: it is checked against the
# reference's worked example, and the vendor's own SDK is tested against this emulator.
from transhub_fanyigou import signing
from transhub_fanyigou.emulator import dictionary, facts, inspection, outputs, results
from transhub_fanyigou.emulator.checks import (
    Answer,
    Upload,
    answer,
    check_file,
    check_image,
    check_languages,
    check_options,
    extension_of,
    int_of,
)
from transhub_fanyigou.emulator.model import (
    Delivery,
    EmulatorOptions,
    Task,
)
from transhub_fanyigou.emulator.results import FileAnswer

#: What ``from`` may be: a listed code, or auto-detection.
_SOURCES = frozenset(facts.LANGUAGES) | {facts.AUTO}
_TEXT_DIRECTIONS = facts.TEXT_DIRECTIONS
_CHUNK = 1024 * 1024


class FanyigouService:
    """The emulated open platform of one account (see the package docstring)."""

    def __init__(self, options: EmulatorOptions | None = None) -> None:
        self.options = options or EmulatorOptions()
        self.balances = dict(self.options.balances)
        self.tasks: dict[int, Task] = {}
        self.deliveries: list[Delivery] = []
        self._lock = threading.RLock()
        self._delivered = threading.Condition(self._lock)
        first = self.options.first_tid or random.randint(10_000_000, 89_999_999)
        self._tids = itertools.count(first)
        self._uploads = itertools.count(1)
        self._folder = Path(tempfile.mkdtemp(prefix="fanyigou-emulator-"))
        self._next_endings: list[int] = []
        self._timers: list[threading.Timer] = []

    # -- housekeeping --------------------------------------------------------------

    def close(self) -> None:
        """Stop pending callbacks and delete the stored uploads."""
        with self._lock:
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()
        shutil.rmtree(self._folder, ignore_errors=True)

    def store(self, source: Any, filename: str) -> Upload:
        """Save an upload stream to the emulator's folder, hashing it in chunks."""
        path = self._folder / f"upload-{next(self._uploads)}"
        md5, sha256, size = hashlib.md5(usedforsecurity=False), hashlib.sha256(), 0
        with path.open("wb") as handle:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                handle.write(chunk)
                md5.update(chunk)
                sha256.update(chunk)
                size += len(chunk)
        return Upload(
            path=path, filename=filename, size=size, md5=md5.hexdigest(), sha256=sha256.hexdigest()
        )

    def end_next_task_with(self, status: int) -> None:
        """Make the next task that is started end with ``status`` (e.g. 316, 317, 305)."""
        with self._lock:
            self._next_endings.append(status)

    def occupy_channel(self, seconds: float) -> int:
        """Start a translation of someone else's on this account that holds a channel
        for ``seconds`` (as another client of the same account would): submissions
        meanwhile are answered 320.  Returns its task id."""
        with self._lock:
            placeholder = self._folder / f"upload-{next(self._uploads)}"
            placeholder.write_bytes(b"held\n")
            upload = Upload(placeholder, "other-client.txt", 5, "", "")
            task = self._new_task("translate", upload)
            task.pages, task.duration, task.submitted = 0, seconds, True
            task.target = "en"
            self._start(task)
            return task.tid

    def wait_for_deliveries(self, count: int, timeout: float = 10.0) -> list[Delivery]:
        """Block until ``count`` callbacks were delivered (or the timeout passed)."""
        with self._delivered:
            self._delivered.wait_for(lambda: len(self.deliveries) >= count, timeout=timeout)
            return list(self.deliveries)

    # -- authentication --------------------------------------------------------------

    def authenticate(self, params: dict[str, str]) -> Answer | None:
        """``None`` when the request is signed by a known app, else the refusal."""
        if not params.get("appid"):
            return answer(300, msg="appid为空")
        if params["appid"] != self.options.appid:
            return answer(103)
        if not params.get("token") or not params.get("nonce_str"):
            return answer(101, msg="token或nonce_str为空")
        if not signing.verify(params, self.options.private_key):
            return answer(101, msg="签名错误")
        return None

    # -- documents -------------------------------------------------------------------

    def upload_translate(self, params: dict[str, str], upload: Upload | None) -> Answer:
        """``uploadTranslate``."""
        refused = check_languages(params) or check_options(params)
        refused = refused or check_file(params, upload, facts.DOCUMENT_EXTENSIONS)
        if refused:
            return refused
        assert upload is not None
        with self._lock:
            task = self._new_task("translate", upload)
            busy = self._check_channel_and_balance(task.pages)
            if busy:
                del self.tasks[task.tid]
                return busy
            self._start_translation(task, params)
        return answer(facts.OK, {"tid": task.tid})

    def detect_doc_page(self, params: dict[str, str], upload: Upload | None) -> Answer:
        """``detectDocPage`` (no channel, nothing charged)."""
        refused = check_file(params, upload, facts.DOCUMENT_EXTENSIONS)
        if refused:
            return refused
        assert upload is not None
        with self._lock:
            task = self._new_task("count", upload)
            if self.options.count_in_background:
                task.started = self.options.clock()
                return answer(facts.OK, {"tid": task.tid, "page": 0})
            task.final_status = facts.PAGES_COUNTED
            task.finished = task.created
        return answer(facts.OK, {"tid": task.tid, "page": task.pages})

    def submit_for_detect_doc(self, params: dict[str, str]) -> Answer:
        """``submitForDetectDoc``: once per tid (326 after)."""
        task = self._task(params, kinds=("count", "translate"))
        if isinstance(task, dict):
            return task
        refused = check_languages(params) or check_options(params)
        if refused:
            return refused
        with self._lock:
            self._refresh(task)
            if task.submitted:
                return answer(facts.DUPLICATE)
            if task.final_status != facts.PAGES_COUNTED:
                return answer(facts.RUNNING, msg="页数检测中")
            busy = self._check_channel_and_balance(task.pages)
            if busy:
                return busy
            task.kind = "translate"
            task.final_status = task.finished = None
            self._start_translation(task, params)
        return answer(facts.OK)

    def query_progress(self, params: dict[str, str], *, image: bool = False) -> Answer:
        """``queryTransProgress`` and ``image/queryImageTransProgress``."""
        kinds = ("image",) if image else ("translate", "count", "convert")
        task = self._task(params, kinds=kinds)
        if isinstance(task, dict):
            return task
        with self._lock:
            self._refresh(task)
            return answer(facts.OK, self._progress(task))

    def download(self, params: dict[str, str], *, image: bool = False) -> Answer | FileAnswer:
        """``downloadFile`` and ``image/downloadImage``: only a finished, kept result."""
        kinds = ("image",) if image else ("translate", "convert")
        task = self._task(params, kinds=kinds)
        if isinstance(task, dict):
            return task
        with self._lock:
            self._refresh(task)
            status = task.final_status
            if status is None:
                return answer(facts.RUNNING)
            if status not in (facts.DONE, self.options.image_done_status):
                return answer(status)
        if image:
            data = outputs.labelled_image(task.file, task.target)
            return results.file_answer(task, data, "png")
        return results.document_result(task, self._folder, params.get("dtype", ""))

    def convert(self, params: dict[str, str], upload: Upload | None) -> Answer:
        """``convert``: PDF to Word, Excel, PPTX or OFD; the others to PDF."""
        fmt = int_of(params.get("conversionFormat"))
        if fmt not in results.CONVERSIONS:
            return answer(106, msg="conversionFormat不支持")
        if params.get("from") and params["from"] not in _SOURCES:
            return answer(106, msg="语言不支持")
        refused = check_file(params, upload, facts.CONVERSION_EXTENSIONS)
        if refused:
            return refused
        assert upload is not None
        extension = extension_of(upload.filename)
        if (extension == "pdf") == (fmt == -8):
            return answer(302, msg="不支持该转换")
        with self._lock:
            task = self._new_task("convert", upload)
            if self.balances.get(4, 0) - self._reserved(4) < task.pages:
                del self.tasks[task.tid]
                return answer(304)
            task.conversion = fmt
            task.source = params.get("from", "")
            self._start(task)
        return answer(facts.OK, {"tid": task.tid})

    # -- images, OCR -----------------------------------------------------------------

    def upload_translate_image(self, params: dict[str, str], upload: Upload | None) -> Answer:
        """``image/uploadTranslateImage``: 4 MB, 15–2048 px."""
        refused = check_languages(params) or check_image(params, upload, facts.IMAGE_MAX_SIDE)
        if refused:
            return refused
        assert upload is not None
        with self._lock:
            if self.balances.get(3, 0) - self._reserved(3) < 1:
                return answer(304)
            task = self._new_task("image", upload)
            task.pages = 1
            task.source, task.target = params.get("from", ""), params["to"]
            self._start(task)
        return answer(facts.OK, {"taskId": task.tid})

    def ocr(self, params: dict[str, str], upload: Upload | None) -> Answer:
        """``image/ocrUploadImage``: 4 MB, 15–8192 px; charged per call.

        The emulator cannot read pixels: it "recognises" the lines stored in a PNG
        text chunk named ``ocr`` (tests write one), else one line naming the file.
        """
        if params.get("from") and params["from"] not in _SOURCES:
            return answer(106, msg="语言不支持")
        refused = check_image(params, upload, facts.OCR_MAX_SIDE)
        if refused:
            return refused
        assert upload is not None
        from PIL import Image

        with Image.open(upload.path) as image:
            width, height = image.size
            stored = image.info.get("ocr")
        lines = str(stored).splitlines() if stored else [f"[{outputs.LABEL}] {upload.filename}"]
        with self._lock:
            if self.balances.get(3, 0) - self._reserved(3) < 1:
                return answer(304)
            self.balances[3] -= 1
        step = max(1, height // max(len(lines), 1))
        rows = [
            {
                "words": line,
                "location": {
                    "top": i * step,
                    "left": 0,
                    "width": width,
                    self.options.ocr_height_key: step,
                },
            }
            for i, line in enumerate(lines)
        ]
        return answer(facts.OK, {"words_result": rows, "words_result_num": len(rows)})

    # -- short calls -----------------------------------------------------------------

    def trans(self, params: dict[str, str]) -> Answer:
        """``trans``: ≤ 2000 characters, the listed directions only."""
        source, target, text = params.get("from", ""), params.get("to", ""), params.get("text", "")
        if not source or not target or not text:
            return answer(300)
        if len(text) > facts.TEXT_MAX_CHARS:
            return answer(106, msg="文本长度超过2000")
        if (source, target) not in _TEXT_DIRECTIONS:
            return answer(106, msg="不支持的语言方向")
        with self._lock:
            if self.balances.get(2, 0) < len(text):
                return answer(304)
            self.balances[2] -= len(text)
        data = {"msg": "翻译成功", "transResult": f"[{target}] {text}", "status": facts.DONE}
        return answer(self.options.trans_code, data)

    def dict_search(self, params: dict[str, str]) -> Answer:
        """``dict/search``: 1–15 characters; an unknown word has an empty ``dict``."""
        word = params.get("word", "")
        if not word:
            return answer(300)
        if len(word) > facts.WORD_MAX_CHARS:
            return answer(106, msg="搜索词超过15个字符")
        return answer(facts.OK, {"dict": dictionary.entry(word)})

    def get_account(self, params: dict[str, str]) -> Answer:
        """``getAccount`` (type 1 documents by default)."""
        kind = int_of(params.get("type") or "1")
        if kind not in facts.ACCOUNT_TYPES:
            return answer(106, msg="type不支持")
        with self._lock:
            for task in list(self.tasks.values()):
                self._refresh(task)
            return answer(facts.OK, {"deductType": 1, "balance": self.balances.get(kind, 0)})

    def _check_channel_and_balance(self, pages: int) -> Answer | None:
        """320 when every channel translates; 304 when the pages are not covered."""
        running = 0
        for task in self.tasks.values():
            self._refresh(task)
            if task.kind == "translate" and task.started is not None and task.final_status is None:
                running += 1
        if running >= self.options.channels:
            return answer(facts.CHANNEL_OCCUPIED)
        if self.balances.get(1, 0) - self._reserved(1) < pages:
            return answer(304)
        return None

    def _reserved(self, balance_type: int) -> int:
        kinds = {1: "translate", 3: "image", 4: "convert"}
        return sum(
            t.pages
            for t in self.tasks.values()
            if t.kind == kinds.get(balance_type)
            and t.started is not None
            and not t.charged
            and t.final_status is None
        )

    def _task(self, params: dict[str, str], *, kinds: tuple[str, ...]) -> Task | Answer:
        tid = int_of(params.get("tid"))
        if tid is None:
            return (
                answer(300, msg="tid为空")
                if not params.get("tid")
                else answer(106, msg="tid格式错误")
            )
        task = self.tasks.get(tid)
        if task is None or task.kind not in kinds:
            return answer(facts.NOT_FOUND)
        with self._lock:
            self._refresh(task)
            # A finished task is kept for result_ttl seconds; then the service forgets it.
            finished = task.finished
            if (
                finished is not None
                and task.kind != "count"
                and (self.options.clock() - finished > self.options.result_ttl)
            ):
                return answer(facts.NOT_FOUND)
        return task

    # -- task life -------------------------------------------------------------------

    def _new_task(self, kind: str, upload: Upload) -> Task:
        now = self.options.clock()
        tid = next(self._tids)
        extension = extension_of(upload.filename)
        task = Task(
            tid=tid,
            kind=kind,
            title=Path(upload.filename).stem[:100],
            doc_type=extension,
            file=upload.path,
            pages=inspection.pages(upload.path, extension),
            created=now,
            created_at=results.wall_time(),
        )
        self.tasks[tid] = task
        return task

    def _start_translation(self, task: Task, params: dict[str, str]) -> None:
        task.source, task.target = params.get("from", ""), params["to"]
        task.options = {
            k: params.get(k, "")
            for k in ("industryId", "transImg", "excelMode", "bilingualControl")
        }
        task.submitted = True
        if task.doc_type == "pdf" and inspection.encrypted(task.file):
            task.end_status = 305
        elif task.doc_type == "txt" and inspection.blank(task.file):
            task.end_status = 321
        self._start(task)

    def _start(self, task: Task) -> None:
        task.started = self.options.clock()
        if self._next_endings:
            task.end_status = self._next_endings.pop(0)
        if self.options.callback_url and task.kind in ("translate", "convert"):
            timer = threading.Timer(self._duration(task), self._finish_later, args=(task.tid,))
            timer.daemon = True
            self._timers.append(timer)
            timer.start()

    def _duration(self, task: Task) -> float:
        if task.duration is not None:
            return task.duration
        return self.options.task_seconds * (0.5 if task.kind == "count" else 1.0)

    def _finish_later(self, tid: int) -> None:
        with self._lock:
            task = self.tasks.get(tid)
            if task is not None:
                self._refresh(task, force=True)

    def _refresh(self, task: Task, *, force: bool = False) -> None:
        """Settle a task whose time is up: its end status, the charge, the callback."""
        if task.final_status is not None or task.started is None:
            return
        now = self.options.clock()
        duration = self._duration(task)
        if not force and now - task.started < duration:
            return
        task.finished = now
        if task.kind == "count":
            task.final_status = facts.PAGES_COUNTED
            return
        done = task.end_status == facts.DONE
        task.final_status = (
            (self.options.image_done_status if task.kind == "image" else facts.DONE)
            if done
            else task.end_status
        )
        if done:
            balance_type = {"translate": 1, "image": 3, "convert": 4}[task.kind]
            self.balances[balance_type] = self.balances.get(balance_type, 0) - task.pages
            task.charged = True
        if self.options.callback_url and task.kind in ("translate", "convert"):
            payload = self._progress(task)
            payload["type"] = 4 if task.kind == "convert" else 1
            threading.Thread(target=self._deliver, args=(task.tid, payload), daemon=True).start()

    def _progress(self, task: Task) -> dict[str, Any]:
        now, duration = self.options.clock(), self._duration(task)
        return results.progress(task, now, duration, self.options.image_done_status)

    def _deliver(self, tid: int, payload: dict[str, Any]) -> None:
        """POST a signed callback (JSON) and record what the receiver answered."""
        url = self.options.callback_url
        assert url is not None
        payload["nonce_str"] = signing.nonce()
        payload["token"] = signing.token(payload, self.options.private_key)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - a configured http(s) test URL
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        http_status: int | None = None
        text = ""
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                http_status, text = response.status, response.read(1024).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            http_status, text = exc.code, exc.read(1024).decode("utf-8", "replace")
        except OSError as exc:
            text = f"{type(exc).__name__}: {exc}"
        with self._delivered:
            self.deliveries.append(Delivery(tid, int(payload["status"]), http_status, text))
            self._delivered.notify_all()
