"""What the emulator answers about a task: its progress, and its results — labelled
stand-ins for translated and converted documents, never translations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub_fanyigou.emulator import facts, inspection, outputs
from transhub_fanyigou.emulator.checks import Answer, answer, chinese

if TYPE_CHECKING:
    from transhub_fanyigou.emulator.model import Task

#: The kinds ``dtype`` 2 (translated PDF) exists for: Word-like documents and PDFs.
_WORD_KINDS = frozenset(
    {"doc", "docx", "dot", "dotx", "dotm", "docm", "xml", "odt", "wps", "wpt", "rtf"}
)
_OOXML = frozenset({"docx", "dotx", "dotm", "docm", "pptx", "xlsx"})
#: The extension of the emulator's output per conversion format.
_EXTENSIONS = {"word": "docx", "excel": "xlsx", "pptx": "pptx", "pdf": "pdf", "ofd": "ofd"}
#: ``conversionFormat`` → (format name, extension of the emulator's output).
CONVERSIONS = {code: (name, _EXTENSIONS[name]) for code, name in facts.CONVERSION_FORMATS.items()}


#: Pieces a stored result is streamed in.
_PIECE = 1024 * 1024


@dataclass(frozen=True)
class FileAnswer:
    """A result to send as ``application/octet-stream``: the file at ``path``
    streamed from disk (when given), then ``data``."""

    data: bytes
    filename: str
    headers: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    #: Whether ``path`` was written for this answer (removed once sent).
    temporary: bool = False

    @property
    def size(self) -> int:
        """The length of the answer's body."""
        return (self.path.stat().st_size if self.path else 0) + len(self.data)

    def pieces(self) -> Iterator[bytes]:
        """The body, a piece at a time."""
        if self.path is not None:
            try:
                with self.path.open("rb") as handle:
                    while piece := handle.read(_PIECE):
                        yield piece
            finally:
                if self.temporary:
                    self.path.unlink(missing_ok=True)
        yield self.data


def document_result(  # noqa: PLR0911 - one answer per kind of result
    task: Task, folder: Path, dtype: str
) -> Answer | FileAnswer:
    """``downloadFile``'s answer for a finished task: the labelled result of the
    ``dtype`` asked for, or the refusal the service gives."""
    label = f"[{task.target}] {outputs.LABEL} translation of {task.title}.{task.doc_type}"
    kind = task.doc_type
    if task.kind == "convert":
        if dtype != "6":
            return answer(106, msg="dtype错误")
        assert task.conversion is not None
        name, extension = CONVERSIONS[task.conversion]
        text = f"{outputs.LABEL} conversion of {task.title}.{kind} to {name}"
        pages = [[text, f"page {n} of {task.pages}"] for n in range(1, task.pages + 1)]
        data = {
            "pdf": lambda: outputs.pdf(pages),
            "word": lambda: outputs.docx([text]),
            "excel": lambda: outputs.xlsx([text]),
        }.get(name, lambda: outputs.labelled_zip("emulator.txt", [text]))()
        return file_answer(task, data, extension)
    if dtype == "2":
        if kind not in _WORD_KINDS | {"pdf"}:
            return answer(302, msg="该文件类型不支持下载pdf")
        if kind == "pdf":  # the upload itself, labelled by an incremental update
            return file_answer(task, outputs.pdf_update(task.file, label), "pdf", path=task.file)
        pages = [[label, f"page {n} of {task.pages}"] for n in range(1, task.pages + 1)]
        return file_answer(task, outputs.pdf(pages), "pdf")
    if dtype != "3":
        return answer(106, msg="dtype错误")
    if kind == "txt":
        result = _result_file(folder, task, "txt")
        outputs.prefix_text_file(task.file, result, task.target)
        return file_answer(task, b"", "txt", path=result, temporary=True)
    if kind == "pdf":
        # dtype 3 of a PDF is a Word file (the reference: "word文件(支持格式:word、pdf)").
        return file_answer(task, outputs.docx([label]), "docx")
    if kind in _OOXML:
        result = _result_file(folder, task, kind)
        try:
            outputs.prefix_ooxml(task.file, result, task.target)
        except (OSError, ValueError, KeyError):
            result.unlink(missing_ok=True)
            return answer(329)
        return file_answer(task, b"", kind, path=result, temporary=True)
    # Legacy binary formats: returned as they are, labelled by a header.
    return file_answer(task, b"", kind, unchanged=True, path=task.file)


def _result_file(folder: Path, task: Task, extension: str) -> Path:
    """A new file for one download's result (two downloads of a task may overlap)."""
    import tempfile

    handle, name = tempfile.mkstemp(
        prefix=f"result-{task.tid}-", suffix=f".{extension}", dir=folder
    )
    os.close(handle)
    return Path(name)


def file_answer(
    task: Task,
    data: bytes,
    extension: str,
    *,
    unchanged: bool = False,
    path: Path | None = None,
    temporary: bool = False,
) -> FileAnswer:
    """A result file (``path`` streamed, then ``data``), with the emulator's label
    and any detected language in its headers."""
    headers = {"X-Emulator": "transhub-fanyigou" + ("; content unchanged" if unchanged else "")}
    if task.kind in ("translate", "image") and task.source in ("", "auto"):
        detected = inspection.detect(task.file, task.doc_type)
        if detected:
            headers["detectLanguage"] = detected
    return FileAnswer(
        data=data,
        filename=f"{task.title}.{extension}",
        headers=headers,
        path=path,
        temporary=temporary,
    )


def progress(task: Task, now: float, duration: float, image_done_status: int) -> dict[str, Any]:
    """A task's progress as ``queryTransProgress`` (and a callback) reports it."""
    status = task.final_status
    if status is None:
        if task.started is None:
            percent, status, msg = 0.0, facts.RUNNING, "排队中"
        else:
            percent = min(99.0, 100.0 * (now - task.started) / max(duration, 1e-9))
            status, msg = facts.RUNNING, "正在翻译" if task.kind != "count" else "页数检测中"
    else:
        percent = 100.0
        msg = {
            facts.DONE: "翻译完成" if task.kind != "convert" else "转换完成",
            facts.PAGES_COUNTED: "检测页数完成",
        }.get(status, chinese(status))
        if task.kind == "image" and status == image_done_status:
            msg = "翻译成功"
    detected = ""
    if task.kind in ("translate", "image") and task.source in ("", "auto"):
        detected = inspection.detect(task.file, task.doc_type)
    return {
        "tid": task.tid,
        "title": task.title,
        "docType": task.doc_type,
        "fromLan": facts.LANGUAGES.get(task.source, ""),
        "toLan": facts.LANGUAGES.get(task.target, ""),
        "detectLan": facts.LANGUAGES.get(detected, ""),
        "percent": f"{percent:.2f}",
        "pageCount": task.pages if task.kind != "count" or status is not None else 0,
        "status": status,
        "msg": msg,
        "createTime": task.created_at,
        "updateTime": wall_time(),
    }


def wall_time() -> str:
    """Now, as the service writes times (``createTime``)."""
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")
