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
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# Tokens are checked with the plugin's signing module: it is checked against the
# reference's worked example, and the vendor's own SDK is tested against this emulator.
from transhub_fanyigou import signing
from transhub_fanyigou.emulator import dictionary, facts, outputs

#: Test credentials of the sandbox (not secrets: they only open the emulator).
TEST_APPID = "1000000000001"
TEST_PRIVATE_KEY = "transhub-sandbox-fanyigou-key"

Answer = dict[str, Any]

_NAMES = facts.LANGUAGES
_PROVIDER_CODES = frozenset(facts.LANGUAGES)
_TEXT_DIRECTIONS = facts.TEXT_DIRECTIONS
_WORD_KINDS = frozenset(
    {"doc", "docx", "dot", "dotx", "dotm", "docm", "xml", "odt", "wps", "wpt", "rtf"}
)
_EXCEL_KINDS = frozenset({"xls", "xlsx", "et", "ett"})
_SLIDE_KINDS = frozenset({"ppt", "pptx", "dps", "dpt"})
_OOXML = frozenset({"docx", "dotx", "dotm", "docm", "pptx", "xlsx"})
#: ``conversionFormat`` → (format name, extension of the emulator's output).
_EXTENSIONS = {"word": "docx", "excel": "xlsx", "pptx": "pptx", "pdf": "pdf", "ofd": "ofd"}
_CONVERSIONS = {code: (name, _EXTENSIONS[name]) for code, name in facts.CONVERSION_FORMATS.items()}
_CHUNK = 1024 * 1024


@dataclass
class EmulatorOptions:
    """How the emulator behaves.  Durations are in seconds."""

    appid: str = TEST_APPID
    private_key: str = field(default=TEST_PRIVATE_KEY, repr=False)
    #: From submit to done, for every kind of task.
    task_seconds: float = 2.0
    #: A finished result stays downloadable this long; then 312.
    result_ttl: float = 3600.0
    #: Translation channels of the account (320 beyond).
    channels: int = 1
    #: Balances by ``getAccount`` type: 1 document pages, 2 text characters,
    #: 3 images, 4 conversion pages.
    balances: dict[int, int] = field(
        default_factory=lambda: {1: 10_000, 2: 500_000, 3: 10_000, 4: 10_000}
    )
    #: Where to POST signed callbacks when a translation or conversion ends.
    callback_url: str | None = None
    #: detectDocPage answers ``page: 0`` and counts in the background.
    count_in_background: bool = False
    #: The finished image status (the reference's example says 0; documents use 314).
    image_done_status: int = facts.ZERO
    #: The ``trans`` success code (the reference's example says 0; other calls 100).
    trans_code: int = facts.ZERO
    #: The OCR box key the reference's example spells with a leading space.
    ocr_height_key: str = " height"
    #: First task id (random when ``None``, so ids of two runs do not collide).
    first_tid: int | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)


@dataclass
class Task:
    """One task of the emulated service."""

    tid: int
    kind: str  # "translate", "count", "convert", "image"
    title: str
    doc_type: str
    file: Path
    pages: int
    created: float
    created_at: str
    source: str = ""
    target: str = ""
    options: dict[str, str] = field(default_factory=dict)
    #: When the work (translation, conversion, background count) started; None: not yet.
    started: float | None = None
    #: The status the task ends with (314, or a failure status).
    end_status: int = facts.DONE
    finished: float | None = None
    final_status: int | None = None
    conversion: int | None = None
    #: Seconds this task takes (``None``: the options' ``task_seconds``).
    duration: float | None = None
    submitted: bool = False
    charged: bool = False


def answer(code: int, data: Any = None, msg: str | None = None) -> Answer:
    """An answer envelope; ``msg`` defaults to the reference's Chinese text."""
    text = msg if msg is not None else ("请求成功" if code == facts.OK else _chinese(code))
    body: Answer = {"code": code, "msg": text}
    if data is not None:
        body["data"] = data
    return body


def _chinese(code: int) -> str:
    return facts.STATUS_TEXT.get(code, "未知错误")


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the app hands it over (already saved to disk)."""

    path: Path
    filename: str
    size: int
    md5: str
    sha256: str


@dataclass(frozen=True)
class FileAnswer:
    """A result to send as ``application/octet-stream``."""

    data: bytes
    filename: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Delivery:
    """One callback the emulator posted, and what the receiver answered."""

    tid: int
    status: int
    http_status: int | None
    body: str


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
        refused = self._check_languages(params) or self._check_options(params)
        refused = refused or self._check_file(params, upload, facts.DOCUMENT_EXTENSIONS)
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
        refused = self._check_file(params, upload, facts.DOCUMENT_EXTENSIONS)
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
        refused = self._check_languages(params) or self._check_options(params)
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
            return self._file(task, data, task.doc_type)
        return self._document_result(task, params.get("dtype", ""))

    def convert(self, params: dict[str, str], upload: Upload | None) -> Answer:
        """``convert``: PDF to Word, Excel, PPTX or OFD; the others to PDF."""
        fmt = _int(params.get("conversionFormat"))
        if fmt not in _CONVERSIONS:
            return answer(106, msg="conversionFormat不支持")
        if params.get("from") and params["from"] not in _PROVIDER_CODES | {"auto"}:
            return answer(106, msg="语言不支持")
        refused = self._check_file(params, upload, facts.CONVERSION_EXTENSIONS)
        if refused:
            return refused
        assert upload is not None
        extension = _extension(upload.filename)
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
        refused = self._check_languages(params) or self._check_image(
            params, upload, facts.IMAGE_MAX_SIDE
        )
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
        if params.get("from") and params["from"] not in _PROVIDER_CODES | {"auto"}:
            return answer(106, msg="语言不支持")
        refused = self._check_image(params, upload, facts.OCR_MAX_SIDE)
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
        kind = _int(params.get("type") or "1")
        if kind not in facts.ACCOUNT_TYPES:
            return answer(106, msg="type不支持")
        with self._lock:
            for task in list(self.tasks.values()):
                self._refresh(task)
            return answer(facts.OK, {"deductType": 1, "balance": self.balances.get(kind, 0)})

    # -- checks ----------------------------------------------------------------------

    @staticmethod
    def _check_languages(params: dict[str, str]) -> Answer | None:
        source, target = params.get("from", ""), params.get("to", "")
        if not target:
            return answer(300, msg="to为空")
        if target == "auto" or target not in _PROVIDER_CODES:
            return answer(106, msg="目标语言不支持")
        if source and source not in _PROVIDER_CODES | {"auto"}:
            return answer(106, msg="源语言不支持")
        return None

    @staticmethod
    def _check_options(params: dict[str, str]) -> Answer | None:
        industry = params.get("industryId", "")
        if industry and _int(industry) not in facts.INDUSTRIES:
            return answer(106, msg="industryId不支持")
        for name in ("transImg", "excelMode", "bilingualControl"):
            if params.get(name, "") not in ("", "0", "1"):
                return answer(106, msg=f"{name}只能为0或1")
        return None

    @staticmethod
    def _check_file(
        params: dict[str, str], upload: Upload | None, extensions: frozenset[str]
    ) -> Answer | None:
        if upload is None or upload.size == 0:
            return answer(301)
        if _extension(upload.filename) not in extensions:
            return answer(302)
        if upload.size > facts.DOCUMENT_MAX_BYTES:
            return answer(311)
        if not params.get("md5"):
            return answer(300, msg="md5为空")
        if params["md5"].lower() != upload.md5:
            return answer(303)
        return None

    @staticmethod
    def _check_image(  # noqa: PLR0911 - the service's checks, in its order
        params: dict[str, str], upload: Upload | None, max_side: int
    ) -> Answer | None:
        if upload is None or upload.size == 0:
            return answer(301)
        if _extension(upload.filename) not in facts.IMAGE_EXTENSIONS:
            return answer(302)
        if upload.size > facts.IMAGE_MAX_BYTES:
            return answer(311, msg="图片大小超过4M")
        if not params.get("md5"):
            return answer(300, msg="md5为空")
        if params["md5"].lower() != upload.md5:
            return answer(303)
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload.path) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            return answer(324)
        if min(width, height) < facts.IMAGE_MIN_SIDE or max(width, height) > max_side:
            return answer(323, msg=f"图片尺寸需在15*15 - {max_side}*{max_side}px之间")
        return None

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
        tid = _int(params.get("tid"))
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
        extension = _extension(upload.filename)
        task = Task(
            tid=tid,
            kind=kind,
            title=Path(upload.filename).stem[:100],
            doc_type=extension,
            file=upload.path,
            pages=_pages(upload.path, extension),
            created=now,
            created_at=_wall(),
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
        if task.doc_type == "pdf" and _encrypted(task.file):
            task.end_status = 305
        elif task.doc_type == "txt" and _blank(task.file):
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
        status = task.final_status
        now = self.options.clock()
        if status is None:
            if task.started is None:
                percent, status, msg = 0.0, facts.RUNNING, "排队中"
            else:
                duration = self._duration(task)
                percent = min(99.0, 100.0 * (now - task.started) / max(duration, 1e-9))
                status, msg = facts.RUNNING, "正在翻译" if task.kind != "count" else "页数检测中"
        else:
            percent = 100.0
            msg = {
                facts.DONE: "翻译完成" if task.kind != "convert" else "转换完成",
                facts.PAGES_COUNTED: "检测页数完成",
            }.get(status, _chinese(status))
            if task.kind == "image" and status == self.options.image_done_status:
                msg = "翻译成功"
        detected = ""
        if task.kind in ("translate", "image") and task.source in ("", "auto"):
            detected = _detect(task.file, task.doc_type)
        return {
            "tid": task.tid,
            "title": task.title,
            "docType": task.doc_type,
            "fromLan": _NAMES.get(task.source, ""),
            "toLan": _NAMES.get(task.target, ""),
            "detectLan": _NAMES.get(detected, ""),
            "percent": f"{percent:.2f}",
            "pageCount": task.pages if task.kind != "count" or status is not None else 0,
            "status": status,
            "msg": msg,
            "createTime": task.created_at,
            "updateTime": _wall(),
        }

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

    # -- results ---------------------------------------------------------------------

    def _document_result(  # noqa: PLR0911 - one answer per kind of result
        self, task: Task, dtype: str
    ) -> Answer | FileAnswer:
        label = f"[{task.target}] {outputs.LABEL} translation of {task.title}.{task.doc_type}"
        kind = task.doc_type
        if task.kind == "convert":
            if dtype != "6":
                return answer(106, msg="dtype错误")
            assert task.conversion is not None
            name, extension = _CONVERSIONS[task.conversion]
            text = f"{outputs.LABEL} conversion of {task.title}.{kind} to {name}"
            pages = [[text, f"page {n} of {task.pages}"] for n in range(1, task.pages + 1)]
            data = {
                "pdf": lambda: outputs.pdf(pages),
                "word": lambda: outputs.docx([text]),
                "excel": lambda: outputs.xlsx([text]),
            }.get(name, lambda: outputs.labelled_zip("emulator.txt", [text]))()
            return self._file(task, data, extension)
        if dtype == "2":
            if kind not in _WORD_KINDS | {"pdf"}:
                return answer(302, msg="该文件类型不支持下载pdf")
            pages = [[label, f"page {n} of {task.pages}"] for n in range(1, task.pages + 1)]
            return self._file(task, outputs.pdf(pages), "pdf")
        if dtype != "3":
            return answer(106, msg="dtype错误")
        if kind == "txt":
            return self._file(
                task, outputs.prefix_lines(task.file.read_bytes(), task.target), "txt"
            )
        if kind == "pdf":
            # dtype 3 of a PDF is a Word file (the reference: "word文件(支持格式:word、pdf)").
            return self._file(task, outputs.docx([label]), "docx")
        if kind in _OOXML:
            result = self._folder / f"result-{task.tid}.{kind}"
            try:
                outputs.prefix_ooxml(task.file, result, task.target)
            except (OSError, ValueError, KeyError):
                return answer(329)
            return self._file(task, result.read_bytes(), kind)
        # Legacy binary formats: returned as they are, labelled by a header.
        return self._file(task, task.file.read_bytes(), kind, unchanged=True)

    def _file(
        self, task: Task, data: bytes, extension: str, *, unchanged: bool = False
    ) -> FileAnswer:
        headers = {"X-Emulator": "transhub-fanyigou" + ("; content unchanged" if unchanged else "")}
        if task.kind in ("translate", "image") and task.source in ("", "auto"):
            detected = _detect(task.file, task.doc_type)
            if detected:
                headers["detectLanguage"] = detected
        return FileAnswer(data=data, filename=f"{task.title}.{extension}", headers=headers)


# -- helpers -------------------------------------------------------------------------


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _extension(filename: str) -> str:
    return Path(filename).suffix.lower().lstrip(".")


def _wall() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _pages(path: Path, extension: str) -> int:
    """The page count the emulator charges: a PDF's pages; ~2000 characters a page of
    text; for other documents, a page per 50 KB."""
    size = path.stat().st_size
    if extension == "pdf":
        try:
            from pypdf import PdfReader

            return max(1, len(PdfReader(path).pages))
        except Exception:
            return 1
    if extension == "txt":
        return max(1, -(-size // 2000))
    return max(1, -(-size // 50_000))


def _blank(path: Path) -> bool:
    """Whether a text file holds only white space (read in chunks: it may be 50 MB)."""
    with path.open("rb") as handle:
        return all(not chunk.strip() for chunk in iter(lambda: handle.read(_CHUNK), b""))


def _encrypted(path: Path) -> bool:
    try:
        from pypdf import PdfReader

        return bool(PdfReader(path).is_encrypted)
    except Exception:
        return False


def _detect(path: Path, doc_type: str) -> str:
    """A crude language guess for auto-detected sources: Chinese when the text has
    CJK characters, English otherwise."""
    if doc_type != "txt":
        return "en"
    with path.open("rb") as handle:
        sample = handle.read(4096).decode("utf-8", errors="ignore")
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in sample) else "en"
