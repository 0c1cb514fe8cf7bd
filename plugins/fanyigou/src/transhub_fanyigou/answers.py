"""Reading Fanyigou's answers: tolerant of the reference's inconsistencies, strict about
anything else.

Every function takes the decoded JSON of an answer (any value at all) and returns a
typed result or raises a :class:`~transhub.errors.TranshubError` — never another
exception: a fuzz test holds them to that.  The tolerances, each from the reference:

* ``tid`` is a number or a string; the image upload answers ``taskId``;
* the image progress example reports ``status: 0`` for a finished task, and the
  ``trans`` example answers ``code: 0``;
* the OCR example writes a location key as ``" height"`` (leading space);
* ``percent`` is a string (``"99.00"``) or a number; ``pageCount`` too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from transhub.capabilities.account import UNITS, Balance
from transhub.capabilities.base import TaskState, TaskStatus
from transhub.capabilities.dictionary import (
    CollinsEntry,
    DictionaryEntry,
    Example,
    Inflection,
    Meaning,
    Pronunciation,
)
from transhub.capabilities.ocr import Box, OcrLine, OcrResult
from transhub.errors import NotFoundError, ResponseFormatError

from transhub_fanyigou import codes
from transhub_fanyigou.languages import detected

PROVIDER = codes.PROVIDER
DONE = TaskState.DONE

# A task id ends up in the journal, in logs and in callback record file names: accept
# only what the service hands out (digits, or a short token of safe characters).
_TASK_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _format_error(call: str, problem: str) -> ResponseFormatError:
    return ResponseFormatError(
        f"{PROVIDER}: {call} answered in an unexpected format: {problem}", provider=PROVIDER
    )


def integer(value: object) -> int | None:
    """An integer written as a number or as decimal text; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d{1,18}", text):
            return int(text)
    return None


def number(value: object) -> float | None:
    """A finite number written as a number or as text (``"99.00"``); ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def text(value: object) -> str:
    """A string field; numbers become their text, anything else is empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


@dataclass(frozen=True)
class Answer:
    """The envelope of every answer: ``{"code", "msg", "data"}``."""

    code: int
    message: str
    data: Any


def read_answer(payload: object, *, call: str) -> Answer:
    """The envelope of an answer, with ``code`` checked to be an integer."""
    if not isinstance(payload, Mapping):
        raise _format_error(call, f"a JSON {type(payload).__name__}, not an object")
    code = integer(payload.get("code"))
    if code is None:
        raise _format_error(call, "no integer 'code'")
    return Answer(code=code, message=text(payload.get("msg")), data=payload.get("data"))


def checked(payload: object, *, call: str) -> Answer:
    """The envelope of an answer that must have succeeded (else its typed error)."""
    answer = read_answer(payload, call=call)
    codes.outcome(answer.code, answer.message, call=call)
    return answer


def data_object(answer: Answer, *, call: str) -> Mapping[str, Any]:
    """``data`` as an object; the reference calls it a JSON string, so a string that
    holds JSON is decoded too."""
    data = answer.data
    if isinstance(data, str):
        import json

        try:
            data = json.loads(data)
        except ValueError:
            raise _format_error(call, "'data' is text, not JSON") from None
    if not isinstance(data, Mapping):
        raise _format_error(call, "no 'data' object")
    return data


def task_id(data: Mapping[str, Any], *, call: str) -> str:
    """The task id of an upload's answer: ``tid`` or ``taskId``, number or string."""
    for key in ("tid", "taskId", "taskid", "task_id"):
        value = data.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) or (isinstance(value, float) and integer(value) is not None):
            return str(integer(value))
        if isinstance(value, str) and _TASK_ID.fullmatch(value.strip()):
            return value.strip()
    raise _format_error(call, "no usable task id ('tid' or 'taskId')")


def checked_task_id(value: str) -> str:
    """A task id given to us (by the user, the journal or a callback), checked to be
    one the service could have handed out before it is sent or used in a file name."""
    if not isinstance(value, str) or not _TASK_ID.fullmatch(value):
        raise NotFoundError(f"{PROVIDER}: {value!r} is not a Fanyigou task id", provider=PROVIDER)
    return value


@dataclass(frozen=True)
class Progress:
    """A task's progress (``queryTransProgress``, ``queryImageTransProgress`` or a
    callback)."""

    status: int
    percent: float | None = None
    pages: int | None = None
    message: str = ""
    detected_language: str | None = None
    title: str = ""
    doc_type: str = ""


def read_progress(data: Mapping[str, Any], *, call: str) -> Progress:
    """A progress object; ``status`` is required, the rest is read where usable."""
    status = integer(data.get("status"))
    if status is None:
        raise _format_error(call, "no integer 'status'")
    percent = number(data.get("percent"))
    if percent is not None and not 0 <= percent <= 100:
        percent = None
    pages = integer(data.get("pageCount"))
    return Progress(
        status=status,
        percent=percent,
        pages=pages if pages is not None and pages >= 0 else None,
        message=text(data.get("msg")),
        detected_language=detected(text(data.get("detectLan"))),
        title=text(data.get("title")),
        doc_type=text(data.get("docType")),
    )


def task_status(progress: Progress, *, call: str, counted_is_queued: bool) -> TaskStatus:
    """A progress answer as the core's status.  A failure status is reported with its
    meaning, its code and the provider's own message (see :func:`codes.labelled`)."""
    state = codes.outcome(progress.status, progress.message, call=call, task=True)
    if progress.status == codes.PAGES_COUNTED and counted_is_queued:
        # Counted by detectDocPage, and the translation not started (yet).
        state = TaskState.QUEUED
    if progress.status == codes.ZERO and not (
        progress.percent == 100 or "成功" in progress.message
    ):
        # The image example's 0 comes with "翻译成功" and 100%: read it as done only
        # then, and as still running otherwise (the reference defines no 0).
        state = TaskState.RUNNING
    message = progress.message
    if state is TaskState.FAILED or progress.status in codes.NOTABLE_WAITS:
        # "failed: the document is damaged (307 文档损坏)", as the docs promise.
        message = codes.labelled(progress.status, progress.message)
    return TaskStatus(
        state=state,
        percent=100.0 if state is TaskState.DONE else progress.percent,
        pages=progress.pages,
        message=message,
        code=str(progress.status),
        detected_language=progress.detected_language,
    )


def read_page_count(data: Mapping[str, Any], *, call: str) -> tuple[str, int]:
    """``detectDocPage``'s answer: the task id and the pages (0: counted in the background)."""
    tid = task_id(data, call=call)
    pages = integer(data.get("page"))
    if pages is None:
        pages = integer(data.get("pageCount"))
    return tid, max(pages or 0, 0)


def read_ocr(data: Mapping[str, Any], *, call: str) -> OcrResult:
    """``ocrUploadImage``'s lines and boxes (location keys read with spaces stripped)."""
    rows = data.get("words_result")
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise _format_error(call, "'words_result' is not a list")
    lines: list[OcrLine] = []
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        words = text(row.get("words"))
        lines.append(OcrLine(text=words, box=_box(row.get("location"))))
    return OcrResult(lines=tuple(lines))


def _box(location: object) -> Box | None:
    if not isinstance(location, Mapping):
        return None
    values = {str(k).strip().lower(): integer(v) for k, v in location.items()}
    parts = [values.get(k) for k in ("left", "top", "width", "height")]
    if any(p is None or p < 0 for p in parts):
        return None
    left, top, width, height = (int(p) for p in parts if p is not None)
    return Box(left=left, top=top, width=width, height=height)


def read_balance(data: Mapping[str, Any], kind: str, *, call: str) -> Balance:
    """``getAccount``'s balance: ``deductType`` 1 counts the resource itself (pages of
    documents, characters of text, images), 0 counts Fanyigou's points."""
    amount = number(data.get("balance"))
    if amount is None:
        raise _format_error(call, "no numeric 'balance'")
    in_points = (integer(data.get("deductType")) or 0) == 0
    unit = "points" if in_points else UNITS.get(kind, "points")
    return Balance(provider=PROVIDER, resource=kind, balance=math.floor(amount), unit=unit)


def read_translation(answer: Answer, *, call: str) -> str:
    """``trans``'s translated text (its ``data.status`` must not be a failure)."""
    data = data_object(answer, call=call)
    status = integer(data.get("status"))
    message = text(data.get("msg"))
    if status is not None and codes.outcome(status, message, call=call, task=True) is not DONE:
        raise codes.error_for(status, message, call=call)
    result = data.get("transResult")
    if not isinstance(result, str):
        raise _format_error(call, "no 'transResult' text")
    return result


# -- dictionary ----------------------------------------------------------------------

#: ``exchange`` keys → the inflection kinds transhub names.
_INFLECTIONS = {
    "word_pl": "plural",
    "word_third": "third person singular",
    "word_past": "past tense",
    "word_done": "past participle",
    "word_ing": "present participle",
    "word_er": "comparative",
    "word_est": "superlative",
}


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str) and item.strip()]
    return []


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def read_dictionary(answer: Answer, word: str, *, call: str) -> DictionaryEntry:
    """``dict/search``'s entry mapped onto the core's model; a word without any
    meaning, Collins entry or example raises :class:`NotFoundError`."""
    not_found = NotFoundError(
        f"{PROVIDER}: no dictionary entry for {word!r}", provider=PROVIDER, code=answer.code
    )
    if answer.data in (None, "", [], {}):
        raise not_found
    data = data_object(answer, call=call)
    entry = data.get("dict")
    if not isinstance(entry, Mapping) or not entry:
        raise not_found
    base = entry.get("base") if isinstance(entry.get("base"), Mapping) else {}
    assert isinstance(base, Mapping)
    try:
        result = DictionaryEntry(
            word=text(base.get("word")).strip() or word,
            pronunciations=_pronunciations(base),
            meanings=_meanings(base),
            inflections=_inflections(base),
            examples=_examples(entry),
            synonyms=_related(entry.get("synonym")),
            antonyms=_related(entry.get("antonym")),
            collins=_collins(entry.get("collins")),
        )
    except ValidationError as exc:  # pragma: no cover - every field is built from checked text
        raise _format_error(
            call, f"unusable dictionary entry ({exc.error_count()} errors)"
        ) from None
    if not (result.meanings or result.collins or result.examples):
        raise not_found
    return result


def _pronunciations(base: Mapping[str, Any]) -> tuple[Pronunciation, ...]:
    found = []
    for key, region in (("pron_en", "uk"), ("pron_am", "us"), ("pron_zh", "zh")):
        value = base.get(key)
        if isinstance(value, Mapping):
            phonetic, audio = text(value.get("text")), text(value.get("pronounce"))
        else:
            phonetic, audio = text(value), ""
        if phonetic.strip() or audio.strip():
            found.append(
                Pronunciation(
                    region=region, phonetic=phonetic.strip(), audio_url=audio.strip() or None
                )
            )
    return tuple(found)


def _meanings(base: Mapping[str, Any]) -> tuple[Meaning, ...]:
    explain = base.get("explain")
    found = []
    if isinstance(explain, Mapping):
        for item in _mappings(explain.get("word_means")):
            definitions = _strings(item.get("means"))
            if definitions:
                found.append(
                    Meaning(
                        part_of_speech=text(item.get("part")).strip(),
                        definitions=tuple(definitions),
                    )
                )
    # A Chinese headword is explained in one text instead.
    explain_zh = _strings(base.get("explain_zh"))
    if explain_zh:
        found.append(Meaning(part_of_speech="", definitions=tuple(explain_zh)))
    return tuple(found)


def _inflections(base: Mapping[str, Any]) -> tuple[Inflection, ...]:
    found: list[Inflection] = []
    exchange = base.get("exchange")
    if isinstance(exchange, Mapping):
        for key, forms in exchange.items():
            kind = _INFLECTIONS.get(str(key), str(key).removeprefix("word_").replace("_", " "))
            found.extend(Inflection(kind=kind, form=form) for form in _strings(forms))
    explain = base.get("explain")
    if isinstance(explain, Mapping):
        found.extend(
            Inflection(kind="case variant", form=f) for f in _strings(explain.get("case_word"))
        )
    return tuple(found)


def _examples(entry: Mapping[str, Any]) -> tuple[Example, ...]:
    found: list[Example] = []
    # Sentences from exams, grouped by exam (四级, 六级, 高考, 考研): the source names
    # the paper; the exam is kept when the source is blank.
    for group in _mappings(entry.get("true_sentences")):
        tag = text(group.get("tag")).strip()
        found.extend(e for s in _mappings(group.get("sentences")) if (e := _sentence(s, tag)))
    found.extend(e for s in _mappings(entry.get("practical_sentences")) if (e := _sentence(s, "")))
    return tuple(found)


def _sentence(item: Mapping[str, Any], tag: str) -> Example | None:
    sentence = text(item.get("text") or item.get("origin")).strip()
    if not sentence:
        return None
    translation = text(item.get("text_cn") or item.get("trans")).strip()
    return Example(
        text=sentence, translation=translation, source=text(item.get("source")).strip() or tag
    )


def _related(groups: object) -> tuple[str, ...]:
    words: list[str] = []
    for group in _mappings(groups):
        for meaning in _mappings(group.get("word_means")):
            words.extend(w.strip() for w in _strings(meaning.get("words")))
    return _unique(words)


def _collins(groups: object) -> tuple[CollinsEntry, ...]:
    found: list[CollinsEntry] = []
    for group in _mappings(groups):
        for item in _mappings(group.get("entries")):
            definition = text(item.get("define")).strip()
            if not definition:
                continue
            examples = tuple(e for s in _mappings(item.get("sentences")) if (e := _sentence(s, "")))
            found.append(
                CollinsEntry(
                    part_of_speech=text(item.get("part")).strip(),
                    definition=definition,
                    translation=text(item.get("trans")).strip(),
                    examples=examples,
                )
            )
    return tuple(found)
