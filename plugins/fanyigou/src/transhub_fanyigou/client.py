"""The wire calls of the Fanyigou open platform.

One :class:`FanyigouClient` per process (built by ``connect``) is shared by every
capability.  It signs each request afresh, streams uploads from disk with the MD5
computed in chunks, and applies the service's own retry rules on top of the core's
HTTP policy:

* 108 (request rate too high) means nothing was processed: wait and send again, for
  any call;
* 320 (channel occupied) means the submission was refused: wait for a free channel
  and submit again, up to ``wait_timeout``;
* a call that may start a paid task is never resent after it may have reached the
  service (a dropped connection, or a 5xx that a proxy may send after the service
  started the task): the error says the job may have been submitted and how to resume
  it — except ``submitForDetectDoc``, which the service refuses to run twice (326), so
  resending it cannot pay twice.
"""

from __future__ import annotations

import contextlib
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from transhub.capabilities.account import Balance
from transhub.capabilities.dictionary import DictionaryEntry
from transhub.capabilities.ocr import OcrResult
from transhub.errors import (
    ConfigurationError,
    ProviderError,
    RateLimitError,
    ResponseFormatError,
    TranshubError,
    TransientError,
)
from transhub.files import digests
from transhub.http import Download, HttpClient, check_endpoint, parse_json
from transhub.retrying import call_with_retries, cut_short, spent, unknown_fate

from transhub_fanyigou import answers, codes, signing
from transhub_fanyigou.known import TaskNotes
from transhub_fanyigou.languages import AUTO, detected
from transhub_fanyigou.settings import FanyigouSettings

if TYPE_CHECKING:
    import requests

T = TypeVar("T")

PROVIDER = codes.PROVIDER

#: ``downloadFile``'s ``dtype``: 2 translated PDF, 3 same kind, 6 converted document.
DTYPE_PDF = 2
DTYPE_SAME = 3
DTYPE_CONVERTED = 6

#: ``getAccount``'s ``type`` by the resource kinds transhub names.
ACCOUNT_TYPES: dict[str, int] = {"document": 1, "text": 2, "image": 3, "convert": 4}

#: ``convert``'s ``conversionFormat`` by output format name.
CONVERSION_FORMATS: dict[str, int] = {"word": -1, "excel": -3, "pptx": -6, "pdf": -8, "ofd": -9}

_OCTET_STREAM = "application/octet-stream"
_MAX_WAIT = 30.0


@dataclass(frozen=True)
class DocumentSubmission:
    """The translation options of ``uploadTranslate`` and ``submitForDetectDoc``
    (languages in Fanyigou's own codes; ``source`` ``None`` detects)."""

    target: str
    source: str | None = None
    industry: int | None = None
    translate_images: bool = False
    all_sheets: bool = False
    bilingual: bool = False

    def params(self) -> dict[str, object]:
        """The form fields these options are sent as."""
        return {
            "from": self.source or AUTO,
            "to": self.target,
            "industryId": self.industry,
            "transImg": int(self.translate_images),
            "excelMode": int(self.all_sheets),
            "bilingualControl": int(self.bilingual),
        }


@dataclass(frozen=True)
class SavedFile:
    """A downloaded result and the languages the service says it detected."""

    download: Download
    detected_language: str | None


class FanyigouClient:
    """Fanyigou's API, one method per call of the reference."""

    def __init__(self, settings: FanyigouSettings, http: HttpClient) -> None:
        self.settings = settings
        self.http = http
        self.endpoint = check_endpoint(
            settings.endpoint, "TRANSHUB_FANYIGOU_ENDPOINT", insecure=http.options.insecure
        )
        #: Monotonic clock, replaceable in tests together with ``http.sleep``.
        self.clock: Callable[[], float] = time.monotonic
        #: Document types and poll times of tasks, shared by every capability.
        self.notes = TaskNotes()

    def __repr__(self) -> str:
        # Never the key: only what identifies the client.
        return f"FanyigouClient(appid={self.settings.appid!r}, endpoint={self.endpoint!r})"

    # -- plumbing ----------------------------------------------------------------------

    def url(self, call: str) -> str:
        """The URL of one call."""
        return f"{self.endpoint}/{call}"

    def _signed(self, params: Mapping[str, object]) -> dict[str, str]:
        return signing.sign(
            params, self.settings.appid, self.settings.private_key.get_secret_value()
        )

    def _send(
        self,
        call: str,
        params: Mapping[str, object],
        *,
        idempotent: bool,
        upload: Path | None = None,
        starts_task: bool = False,
    ) -> requests.Response:
        """One request; 108 answers are handled by the caller (see :meth:`_call`)."""
        if upload is None:
            return self.http.request(
                "POST",
                self.url(call),
                idempotent=idempotent,
                # A fresh nonce and token for every attempt.
                body=lambda: self._signed(params),
                what=call,
                starts_task=starts_task,
            )
        return self.http.upload(
            self.url(call),
            fields=self._signed(params),
            file_field="file",
            path=upload,
            idempotent=idempotent,
            what=call,
            starts_task=starts_task,
        )

    def _call(
        self,
        call: str,
        params: Mapping[str, object],
        *,
        idempotent: bool,
        upload: Path | None = None,
        accept: frozenset[int] = frozenset(),
        starts_task: bool = False,
    ) -> answers.Answer:
        """Send a call and return its successful answer (or one of the ``accept``-ed
        codes), 108 answers retried under the core's policy; any other code raises its
        typed error.  ``starts_task``: the call starts a paid task (see :meth:`_json`)."""

        def attempt() -> answers.Answer:
            response = self._send(
                call, params, idempotent=idempotent, upload=upload, starts_task=starts_task
            )
            payload = self._json(response, call, idempotent=idempotent, starts_task=starts_task)
            answer = answers.read_answer(payload, call=call)
            if answer.code not in accept:
                codes.outcome(answer.code, answer.message, call=call)
            return answer

        return call_with_retries(
            attempt, self.http.options, sleep=self.http.sleep, retry=_rate_limited
        )

    def _json(
        self,
        response: requests.Response,
        call: str,
        *,
        idempotent: bool,
        starts_task: bool = False,
    ) -> Any:
        """The JSON of an answer; an HTTP error status becomes a typed error first.

        A 5xx (after the HTTP layer's retries, for a call safe to repeat) is transient.
        A 5xx answering a call that is not safe to repeat — an upload that starts a
        paid task — may come from a proxy after the service started the task: its
        fate is unknown, as after a dropped connection, and the error says so.
        """
        try:
            status = response.status_code
            if status == 404:
                raise ConfigurationError(
                    f"{PROVIDER}: {call} answered HTTP 404: the endpoint {self.endpoint} "
                    "has no such call",
                    provider=PROVIDER,
                    code=status,
                    hint="check TRANSHUB_FANYIGOU_ENDPOINT",
                )
            if status >= 500 and not idempotent:
                raise unknown_fate(
                    PROVIDER, call, f"answered HTTP {status}", code=status, starts_task=starts_task
                )
            if status >= 500:
                # The HTTP layer has retried it (a repeatable call).
                raise spent(
                    TransientError(
                        f"{PROVIDER}: {call} answered HTTP {status}",
                        provider=PROVIDER,
                        code=status,
                        retryable=True,
                    )
                )
            if status >= 400:
                raise ProviderError(
                    f"{PROVIDER}: {call} answered HTTP {status}", provider=PROVIDER, code=status
                )
            return parse_json(response, PROVIDER, call)
        finally:
            response.close()

    def _wait_for_channel(self, submit: Callable[[], T], what: str) -> T:
        """Call ``submit`` until the service stops answering 320 (channel occupied),
        through the core's busy-retry service, up to ``wait_timeout``."""
        from transhub.polling import retry_while_busy

        def gave_up(exc: Exception) -> codes.ChannelOccupiedError:
            return codes.ChannelOccupiedError(
                f"{PROVIDER}: {what}: every translation channel stayed occupied for "
                f"{self.settings.wait_timeout:.0f}s",
                provider=PROVIDER,
                code=codes.CHANNEL_OCCUPIED,
                provider_message=getattr(exc, "provider_message", None),
                hint="another translation on this account is still running; "
                "raise TRANSHUB_FANYIGOU_WAIT_TIMEOUT or try later",
            )

        return retry_while_busy(
            submit,
            busy=codes.ChannelOccupiedError,
            interval=self.settings.wait_interval,
            max_interval=_MAX_WAIT,
            timeout=self.settings.wait_timeout,
            what="a free fanyigou channel",
            gave_up=gave_up,
            sleep=self.http.sleep,
            clock=self.clock,
        )

    # -- documents ---------------------------------------------------------------------

    def upload_translate(self, path: Path, options: DocumentSubmission) -> str:
        """``uploadTranslate``: upload and start translating (charged when done).
        Waits for a free channel; returns the task id."""
        params = {"md5": digests(path).md5, **options.params()}

        def submit() -> str:
            answer = self._call(
                "uploadTranslate", params, idempotent=False, upload=path, starts_task=True
            )
            return answers.task_id(
                answers.data_object(answer, call="uploadTranslate"), call="uploadTranslate"
            )

        return self._wait_for_channel(submit, "uploadTranslate")

    def detect_doc_page(self, path: Path) -> tuple[str, int]:
        """``detectDocPage``: upload to count pages (nothing is charged, so a lost
        answer is worth sending again).  Returns the task id and the pages, 0 when
        the count goes on in the background."""
        answer = self._call(
            "detectDocPage", {"md5": digests(path).md5}, idempotent=True, upload=path
        )
        return answers.read_page_count(
            answers.data_object(answer, call="detectDocPage"), call="detectDocPage"
        )

    def submit_for_detect_doc(self, task_id: str, options: DocumentSubmission) -> bool:
        """``submitForDetectDoc``: translate a document uploaded with ``detectDocPage``.
        Waits for a free channel.  Returns ``False`` when the service answers 326
        (this task was submitted before): the task runs once, and is paid once."""
        params = {"tid": answers.checked_task_id(task_id), **options.params()}

        def submit() -> bool:
            answer = self._call(
                "submitForDetectDoc",
                params,
                # Safe to resend: a second submit of one tid is refused with 326.
                idempotent=True,
                accept=frozenset({codes.DUPLICATE}),
            )
            return answer.code != codes.DUPLICATE

        return self._wait_for_channel(submit, "submitForDetectDoc")

    def query_progress(self, task_id: str) -> answers.Progress:
        """``queryTransProgress``: a document translation, count or conversion."""
        return self._progress("queryTransProgress", task_id)

    def download_file(self, task_id: str, dtype: int, destination: Path) -> SavedFile:
        """``downloadFile``: save a finished result atomically (replacing
        ``destination``: the core decided whether it may)."""
        return self._download("downloadFile", {"tid": task_id, "dtype": dtype}, destination)

    def convert(self, path: Path, target_format: str, source: str | None) -> str:
        """``convert``: upload and start a format conversion; returns the task id."""
        params = {
            "md5": digests(path).md5,
            "conversionFormat": CONVERSION_FORMATS[target_format],
            "from": source or "",
        }
        answer = self._call("convert", params, idempotent=False, upload=path, starts_task=True)
        return answers.task_id(answers.data_object(answer, call="convert"), call="convert")

    # -- images and OCR ----------------------------------------------------------------

    def upload_translate_image(self, path: Path, target: str, source: str | None) -> str:
        """``image/uploadTranslateImage``: one image, one task (``taskId``)."""
        call = "image/uploadTranslateImage"
        params = {"md5": digests(path).md5, "from": source or AUTO, "to": target}
        answer = self._call(call, params, idempotent=False, upload=path, starts_task=True)
        return answers.task_id(answers.data_object(answer, call=call), call=call)

    def query_image_progress(self, task_id: str) -> answers.Progress:
        """``image/queryImageTransProgress``."""
        return self._progress("image/queryImageTransProgress", task_id)

    def download_image(self, task_id: str, destination: Path) -> SavedFile:
        """``image/downloadImage``: save the translated image atomically."""
        return self._download("image/downloadImage", {"tid": task_id}, destination)

    def ocr(self, path: Path, source: str | None) -> OcrResult:
        """``image/ocrUploadImage``: the recognised lines (charged per call)."""
        call = "image/ocrUploadImage"
        params = {"md5": digests(path).md5, "from": source or ""}
        answer = self._call(call, params, idempotent=False, upload=path)
        return answers.read_ocr(answers.data_object(answer, call=call), call=call)

    # -- short calls -------------------------------------------------------------------

    def trans(self, text: str, target: str, source: str) -> str:
        """``trans``: translate a short text (charged by characters: not resent)."""
        answer = self._call("trans", {"from": source, "to": target, "text": text}, idempotent=False)
        return answers.read_translation(answer, call="trans")

    def dict_search(self, word: str) -> DictionaryEntry:
        """``dict/search``: a dictionary entry."""
        answer = self._call("dict/search", {"word": word}, idempotent=True)
        return answers.read_dictionary(answer, word, call="dict/search")

    def get_account(self, kind: str) -> Balance:
        """``getAccount``: the balance of one resource kind."""
        answer = self._call("getAccount", {"type": ACCOUNT_TYPES[kind]}, idempotent=True)
        return answers.read_balance(
            answers.data_object(answer, call="getAccount"), kind, call="getAccount"
        )

    # -- shared ------------------------------------------------------------------------

    def _progress(self, call: str, task_id: str) -> answers.Progress:
        answer = self._call(call, {"tid": answers.checked_task_id(task_id)}, idempotent=True)
        return answers.read_progress(answers.data_object(answer, call=call), call=call)

    def _download(self, call: str, params: Mapping[str, object], destination: Path) -> SavedFile:
        """A result download: a file only when the answer is ``application/octet-stream``,
        else the JSON error it carries.  A 108 answer and a body cut short are asked
        for again, under the core's retry helper."""
        answers.checked_task_id(str(params["tid"]))

        def attempt() -> SavedFile:
            response = self.http.request(
                "POST",
                self.url(call),
                idempotent=True,
                body=lambda: self._signed(params),
                stream=True,
                what=call,
            )
            if _OCTET_STREAM not in response.headers.get("Content-Type", "").lower():
                payload = self._json(response, call, idempotent=True)
                answer = answers.read_answer(payload, call=call)
                codes.outcome(answer.code, answer.message, call=call)
                raise ResponseFormatError(
                    f"{PROVIDER}: {call} answered success without a file", provider=PROVIDER
                )
            language = _header_text(response.headers.get("detectLanguage"))
            saved = self.http.save(response, destination, overwrite=True)
            return SavedFile(download=saved, detected_language=detected(language))

        return call_with_retries(
            attempt,
            self.http.options,
            sleep=self.http.sleep,
            retry=lambda exc: _rate_limited(exc) or cut_short(exc),
        )


def _rate_limited(exc: TranshubError) -> bool:
    """A 108 answer: it refuses the request before processing it, so resending is safe.
    (320 waits for a channel in :meth:`FanyigouClient._wait_for_channel`.)"""
    return isinstance(exc, RateLimitError) and not isinstance(exc, codes.ChannelOccupiedError)


def _header_text(value: str | None) -> str | None:
    """A header the service may send as raw UTF-8 (which HTTP libraries decode as
    Latin-1) or percent-encoded: its text either way."""
    if not value:
        return None
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("latin-1").decode("utf-8")
    return urllib.parse.unquote(value).strip() or None
