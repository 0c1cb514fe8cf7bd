"""The Alibaba Machine Translation API client: one method per call of the image
batch protocol, each signed with signature V3 and sent through the core's
:class:`~transhub.http.HttpClient`.

Every request is safe to repeat: polls change nothing, and every submit carries a
``CustomTaskId`` derived from its content, which the service processes once within
three minutes.  So the HTTP layer may retry any of them after a dropped
connection, and throttling (``Throttling.*``, HTTP 400) is retried under the core's
policy (:func:`~transhub.retrying.call_with_retries`), waiting as long as the gateway's
``x-acs-retry-after`` (milliseconds) asks — a header this client declares to the
HTTP layer.

Image URLs are sent percent-encoded as RFC 3986 wants (:func:`transhub.urls.encode_url`):
the service answers 103 (URL decoding error) for the whole task when one is raw.

Alibaba answers ``invalid`` both for unknown task ids and for results older than an
hour: only knowing when the task was submitted and first seen finished tells the two
apart.  That knowledge is the core's task memory
(:class:`~transhub.capabilities.tasks.TaskMemory`, fed by the runner and the job
journal); :meth:`AlibabaClient.result` takes what it knows of the task.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from transhub.capabilities.tasks import TaskTimes
from transhub.errors import (
    ConfigurationError,
    NotFoundError,
    ResponseFormatError,
    ResultExpiredError,
    TranshubError,
    TransientError,
)
from transhub.http import RetryAfterHeader, parse_json
from transhub.retrying import call_with_retries, spent
from transhub.urls import encode_url

from transhub_alibaba import answers, signing
from transhub_alibaba.answers import BatchResult

if TYPE_CHECKING:
    from transhub.http import Download, HttpClient

    from transhub_alibaba.settings import AlibabaSettings

log = logging.getLogger("transhub.alibaba")

PROVIDER = "alibaba"
API_VERSION = "2018-10-12"
SUBMIT = "TranslateImageBatch"
POLL = "GetTranslateImageBatchResult"
#: Seconds the service keeps a finished task's results.
RESULT_TTL = 3600.0
#: Seconds within which a repeated ``CustomTaskId`` is processed once.
DEDUPE_WINDOW = 180.0
#: Seconds kept back from that window for the last attempt's own time on the wire.
DEDUPE_MARGIN = 30.0
MASK = "********"
#: The gateway's throttling answers name the delay here, in milliseconds (the vendor's
#: SDKs read it); ``Retry-After`` is still honoured after it.
RETRY_AFTER_HEADERS = (RetryAfterHeader("x-acs-retry-after", unit=0.001),)


def custom_task_id(
    urls: Sequence[str],
    source: str,
    target: str,
    field: str,
    ext: Mapping[str, str],
) -> str:
    """The ``CustomTaskId`` of a submit: a digest of everything that decides its result.

    The same images, languages, field and options always give the same id, so a
    submit repeated after a network error (by the HTTP layer, or by a resumed job
    within the dedupe window) is processed — and charged — once.
    """
    material = json.dumps(
        {
            "v": 1,
            "urls": list(urls),
            "source": source,
            "target": target,
            "field": field,
            "ext": dict(ext),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()
    return f"transhub-{digest[:32]}"


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _format_time(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class AlibabaClient:
    """Calls ``TranslateImageBatch`` and ``GetTranslateImageBatchResult`` and downloads
    results.  Thread-safe: the core polls a batch's tasks concurrently.

    ``clock`` is "now" when a task's age is judged (tests pass the emulator's manual
    clock); signatures always use the real time, which the service checks.
    """

    def __init__(
        self,
        settings: AlibabaSettings,
        http: HttpClient,
        *,
        clock: Callable[[], float] = time.time,
        result_ttl: float = RESULT_TTL,
    ) -> None:
        settings.check()
        self.settings = settings
        self.http = http
        http.declare_retry_after(*RETRY_AFTER_HEADERS)
        self.clock = clock
        self.result_ttl = result_ttl
        base = settings.base_url(insecure=http.options.insecure)
        parts = urlsplit(base)
        if parts.username is not None or parts.password is not None:
            raise ConfigurationError(
                f"{PROVIDER}: {settings.source_of('endpoint')} must not hold a user name "
                "or password",
                provider=PROVIDER,
            )
        self.url = f"{base}/"
        self.path = urlsplit(self.url).path or "/"
        self.host = _host_header(parts.scheme, parts.hostname or "", parts.port)

    def __repr__(self) -> str:
        return f"AlibabaClient(url={self.url!r}, access_key_id={self.settings.access_key_id!r})"

    # --- expiry ------------------------------------------------------------------

    def invalid_error(
        self, task_id: str, times: TaskTimes, request_id: str | None = None
    ) -> TranshubError:
        """The error for an ``invalid`` status: expiry when the task is known to have
        finished (or was submitted longer ago than results are kept), else not found."""
        hours = self.result_ttl / 3600
        plural = "s" if hours != 1 else ""
        keep = f"Alibaba keeps results {hours:g} hour{plural} after a task finishes"
        if times.finished_at is not None:
            return ResultExpiredError(
                f"{PROVIDER}: the result of task {task_id} has expired: it finished by "
                f"{_format_time(times.finished_at)} and {keep}",
                provider=PROVIDER,
                code="invalid",
                request_id=request_id,
                hint="translate the images again",
            )
        if times.submitted_at is not None and self.clock() - times.submitted_at >= self.result_ttl:
            return ResultExpiredError(
                f"{PROVIDER}: the result of task {task_id} has most likely expired: it was "
                f"submitted at {_format_time(times.submitted_at)} and {keep}",
                provider=PROVIDER,
                code="invalid",
                request_id=request_id,
                hint="translate the images again",
            )
        return NotFoundError(
            f"{PROVIDER}: task {task_id} is unknown to Alibaba (status invalid)",
            provider=PROVIDER,
            code="invalid",
            request_id=request_id,
            hint="check the task id; it must come from the same account and region",
        )

    # --- calls ------------------------------------------------------------------

    def submit(
        self,
        urls: Sequence[str],
        *,
        source: str,
        target: str,
        field: str = "general",
        ext: Mapping[str, str] | None = None,
        task_key: str | None = None,
    ) -> str:
        """``TranslateImageBatch``: start one task for ``urls``; return its task id.

        ``task_key`` is the ``CustomTaskId`` (derived from the content when omitted).
        Each URL is sent percent-encoded; one that cannot be made a valid URI raises
        :class:`~transhub.errors.InputError` naming it, and nothing is sent.
        """
        urls = [encode_url(url) for url in urls]
        ext = dict(ext or {})
        key = task_key or custom_task_id(urls, source, target, field, ext)
        params = {
            "ImageUrls": ",".join(urls),
            "SourceLanguage": source,
            "TargetLanguage": target,
            "Field": field,
            "CustomTaskId": key,
        }
        if ext:
            params["Ext"] = json.dumps(ext, sort_keys=True, separators=(",", ":"))
        log.debug("alibaba: %s of %d images (CustomTaskId %s)", SUBMIT, len(urls), key)
        payload = self._call(SUBMIT, params)
        return answers.parse_submit(payload)

    def result(self, task_id: str, times: TaskTimes | None = None) -> BatchResult:
        """``GetTranslateImageBatchResult``: the task's status, with per-image results
        once finished.  ``invalid`` raises :meth:`invalid_error`'s error, judged by
        ``times`` — what transhub knows of the task (nothing: an unknown task)."""
        payload = self._call(POLL, {"TaskId": task_id})
        batch = answers.parse_result(payload)
        if batch.status == "invalid":
            raise self.invalid_error(task_id, times or TaskTimes(), batch.request_id)
        return batch

    def download(self, url: str, destination: Path) -> Download:
        """Stream one result file to ``destination`` atomically (replacing it: the core
        chose the path).  A result URL that is gone (HTTP 403/404/410) means the
        temporary result has expired."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise ResponseFormatError(
                f"{PROVIDER}: the service gave a result URL that is not http(s): {scheme!r}",
                provider=PROVIDER,
            )
        try:
            return self.http.fetch(url, destination, overwrite=True, what="download of a result")
        except TranshubError as exc:
            # The HTTP layer reports a 4xx answer as a ProviderError (a TransientError before).
            if exc.code in (403, 404, 410):
                raise ResultExpiredError(
                    f"{PROVIDER}: a result file is no longer available (HTTP {exc.code}): "
                    "Alibaba's result URLs are temporary",
                    provider=PROVIDER,
                    code=exc.code,
                    hint="translate the images again",
                ) from None
            raise

    # --- the wire -----------------------------------------------------------------

    def _call(self, action: str, params: Mapping[str, str]) -> Mapping[str, Any]:
        """POST one signed action; the successful answer, or a typed error.

        Network failures and 5xx are retried by the HTTP layer (every call here is
        repeatable); refusals that say "slow down" or "try again" are retried under
        the core's policy, honouring the delay the gateway asks for.
        """
        body = signing.encode_form(params).encode("ascii")

        def headers() -> dict[str, str]:
            # Called once per attempt: each attempt gets its own date, nonce and signature.
            return signing.sign_request_v3(
                access_key_id=self.settings.access_key_id or "",
                secret=self.settings.secret(),
                host=self.host,
                action=action,
                version=API_VERSION,
                body=body,
                date=_utc_now(),
                nonce=secrets.token_hex(16),
                security_token=self.settings.token(),
                path=self.path,
            )

        # A submit is repeated only within the window in which Alibaba processes a
        # repeated CustomTaskId once (a timeout or a 5xx may follow a started task):
        # by this helper, and by the HTTP layer under it.
        within = DEDUPE_WINDOW - DEDUPE_MARGIN if action == SUBMIT else None
        until = None if within is None else self.http.clock() + within

        def attempt() -> Mapping[str, Any]:
            # An error of the HTTP layer (its retries spent) is not retried again.
            status, payload, retry_after = self._post(action, body, headers, until)
            return answers.check_answer(
                status,
                self._scrubbed(payload),
                action=action,
                retry_after=retry_after,
                where=self.settings.source_of,
            )

        return call_with_retries(
            attempt, self.http.options, sleep=self.http.sleep, within=within, clock=self.http.clock
        )

    def _post(
        self,
        action: str,
        body: bytes,
        headers: Callable[[], dict[str, str]],
        until: float | None,
    ) -> tuple[int, Any, float | None]:
        """One POST under the HTTP layer's policy (a repeat starts before ``until``):
        the status, the decoded JSON and the delay the answer asks for."""
        response = self.http.request(
            "POST",
            self.url,
            idempotent=True,
            data=body,
            headers=headers,
            what=action,
            starts_task=action == SUBMIT,
            retry_until=until,
        )
        status = response.status_code
        retry_after = self.http.retry_after(response)
        try:
            payload = parse_json(response, PROVIDER, action)
        except ResponseFormatError as exc:
            if status >= 500:
                # The HTTP layer already retried; a proxy page is an outage, not a format bug.
                raise spent(
                    TransientError(
                        f"{PROVIDER}: {action} failed: the service answered HTTP {status} "
                        "with a non-JSON page",
                        provider=PROVIDER,
                        code=status,
                        retryable=True,
                    )
                ) from exc
            raise
        return status, payload, retry_after

    def _scrubbed(self, payload: Any) -> Any:
        """The answer with any echo of a secret masked out of its ``Message``: a server
        that repeats what it was sent must not put a secret into an error."""
        if not isinstance(payload, dict) or not isinstance(payload.get("Message"), str):
            return payload
        return {**payload, "Message": self.scrub(payload["Message"])}

    def scrub(self, text: str) -> str:
        """``text`` with the secret and the STS token masked."""
        for secret in (self.settings.secret(), self.settings.token()):
            if secret and len(secret) >= 4:
                text = text.replace(secret, MASK)
        return text


def _host_header(scheme: str, hostname: str, port: int | None) -> str:
    """The ``Host`` header value (and signed ``host``): the port only when not default."""
    host = f"[{hostname}]" if ":" in hostname else hostname
    default = 443 if scheme == "https" else 80
    return f"{host}:{port}" if port is not None and port != default else host
