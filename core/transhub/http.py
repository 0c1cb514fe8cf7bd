"""The one HTTP layer every provider uses.

One :class:`HttpClient` per provider holds a ``requests`` session, the timeouts, the
retry policy and the ``User-Agent``.  The policy is the heart of "never pay twice":

* a request marked ``idempotent`` is retried, with exponential backoff and jitter,
  after connection errors, timeouts and HTTP 429/500/502/503/504, honouring the
  server's requested delay: ``Retry-After``, or the headers a provider's client
  declares with :meth:`HttpClient.declare_retry_after` (Alibaba's gateway sends
  ``x-acs-retry-after`` in milliseconds);
* any other request is retried only when it provably never reached the server (the
  connection could not be opened) or the server refused it before processing it
  (HTTP 429).  A dropped connection or a 502 after sending a paid submit is raised
  as a non-retryable :class:`~transhub.errors.TransientError`: whether the provider
  started the task is unknown, and the job journal decides what to do.

Uploads are streamed from disk as multipart; downloads are streamed to a temporary
file beside the destination and renamed into place only when complete.  Neither
holds the file in memory.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from transhub import __version__
from transhub.errors import (
    ConfigurationError,
    IncompleteDownloadError,
    InputError,
    ProviderError,
    ResponseFormatError,
    TransientError,
)
from transhub.files import CHUNK_SIZE, atomic_writer, safe_filename
from transhub.retrying import (
    RETRY_AFTER_JITTER,
    RetryAfterHeader,
    call_with_retries,
    cut_short,
    parse_retry_after,
    retry_after,
    spent,
    unknown_fate,
)

if TYPE_CHECKING:
    import requests

log = logging.getLogger("transhub.http")

#: Re-exported: plugins have always found these here.
__all__ = [
    "Download",
    "HttpClient",
    "HttpOptions",
    "Progress",
    "RetryAfterHeader",
    "call_with_retries",
    "check_endpoint",
    "parse_json",
    "parse_retry_after",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: ``progress(bytes_done, bytes_total)``; total is ``None`` when unknown.
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class HttpOptions:
    """Per-provider HTTP options (never module globals)."""

    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    verify: bool | str = True
    #: Allow plain ``http://`` endpoints off this machine (``--insecure``); see
    #: :func:`check_endpoint`.
    insecure: bool = False
    user_agent: str = f"transhub/{__version__}"
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    #: The headers a server names its requested delay in, first match wins.
    retry_after_headers: tuple[RetryAfterHeader, ...] = ()
    #: Connections kept alive per host: the provider's concurrent tasks, and their
    #: downloads (the hub sizes it to the provider's limit).
    connections: int = 32

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based).

        With a server-requested delay: that delay plus up to a quarter more of jitter
        (concurrent tasks throttled together must not all come back at the same
        instant), never less than asked, capped at :attr:`max_backoff`.  Without
        one: full-jitter exponential backoff."""
        if retry_after is not None and math.isfinite(retry_after):
            asked = max(retry_after, 0.0)
            return min(asked * random.uniform(1.0, RETRY_AFTER_JITTER), self.max_backoff)
        ceiling = min(self.max_backoff, self.backoff * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Download:
    """A file saved by :meth:`HttpClient.save`."""

    path: Path
    size: int
    sha256: str
    content_type: str
    headers: Mapping[str, str]


def _never_sent(exc: Exception) -> bool:
    """Whether a requests exception proves the request never reached the server."""
    import requests
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        reason = exc.args[0]
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        return isinstance(reason, NewConnectionError)
    return False


class HttpClient:
    """HTTP for one provider.  Thread-safe: the session is created on first use and
    shared, and ``requests`` is imported only then (start-up stays fast)."""

    def __init__(self, provider: str, options: HttpOptions | None = None) -> None:
        self.provider = provider
        self.options = options or HttpOptions()
        self._session: requests.Session | None = None
        self._lock = threading.Lock()
        #: Injected by tests to observe back-off without sleeping in real time.
        self.sleep: Callable[[float], None] = time.sleep
        #: The monotonic clock retry windows are judged by (injected with ``sleep``).
        self.clock: Callable[[], float] = time.monotonic

    @property
    def session(self) -> requests.Session:
        """The shared ``requests`` session, created on first use."""
        with self._lock:
            if self._session is None:
                from transhub.sessions import PooledSession

                session = PooledSession(self.options.connections)
                session.headers["User-Agent"] = self.options.user_agent
                session.headers.update(self.options.extra_headers)
                session.verify = self.options.verify
                self._session = session
            return self._session

    def declare_retry_after(self, *headers: RetryAfterHeader) -> None:
        """Declare the headers this provider's servers name a requested delay in
        (read before the standard ``Retry-After``) — called by a provider's client."""
        self.options = replace(self.options, retry_after_headers=tuple(headers))

    def retry_after(self, response: requests.Response) -> float | None:
        """The delay ``response`` asks for, in seconds (see :func:`retry_after`)."""
        return retry_after(response.headers, self.options.retry_after_headers)

    def close(self) -> None:
        """Close pooled connections."""
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        data: Any = None,
        body: Callable[[], Any] | None = None,
        headers: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        params: Mapping[str, str] | None = None,
        stream: bool = False,
        what: str = "request",
        starts_task: bool = False,
        retry_until: float | None = None,
    ) -> requests.Response:
        """Send a request under the retry policy (see the module docstring).

        ``body`` is a factory called once per attempt (a streamed upload cannot be
        replayed); ``headers`` may be a factory too, for signatures that include a
        fresh nonce and date.  ``what`` names the call in errors and logs.
        ``starts_task`` says the request starts a remote task (a journalled job): when
        its fate is unknown, the error says how to resume it.  ``retry_until`` (a
        reading of :attr:`clock`) ends an ``idempotent`` request's idempotency: a
        provider that processes a repeat once only within a window (Alibaba's
        ``CustomTaskId``) is not sent a repeat that would start after it, unless the
        request provably never reached the server or was refused before processing.
        """
        import requests

        timeout = (self.options.connect_timeout, self.options.read_timeout)
        attempt = 0
        while True:
            payload = body() if body is not None else data
            sent_headers = dict(headers() if callable(headers) else headers or {})
            if hasattr(payload, "content_type"):
                sent_headers.setdefault("Content-Type", payload.content_type)
            log.debug("%s %s %s (attempt %d)", self.provider, method, url, attempt + 1)
            try:
                response = self.session.request(
                    method,
                    url,
                    data=payload,
                    headers=sent_headers,
                    params=params,
                    timeout=timeout,
                    stream=stream,
                )
            except (
                requests.exceptions.InvalidURL,
                requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema,
            ) as exc:
                # Not a network failure: retrying cannot help.
                raise ProviderError(
                    f"{self.provider}: {what}: invalid URL {url!r}", provider=self.provider
                ) from exc
            except requests.exceptions.SSLError as exc:
                # A certificate that does not verify will not verify on a retry either.
                raise self._network_error(exc, what, False, starts_task, url) from exc
            except requests.RequestException as exc:
                delay = self.options.delay(attempt)
                safe = _never_sent(exc) or (idempotent and self._in_time(delay, retry_until))
                if safe and attempt < self.options.retries:
                    self._wait(delay, f"{what}: {type(exc).__name__}")
                    attempt += 1
                    continue
                raise self._network_error(exc, what, safe, starts_task, url) from exc
            if response.status_code in RETRY_STATUSES and attempt < self.options.retries:
                delay = self.options.delay(attempt, self.retry_after(response))
                safe = response.status_code == 429 or (
                    idempotent and self._in_time(delay, retry_until)
                )
                if safe:
                    response.close()
                    self._wait(delay, f"{what}: HTTP {response.status_code}")
                    attempt += 1
                    continue
            return response

    def _in_time(self, delay: float, until: float | None) -> bool:
        """Whether a retry after ``delay`` seconds starts before ``until``."""
        return until is None or self.clock() + delay <= until

    def _wait(self, delay: float, reason: str) -> None:
        log.info("%s: %s; retrying in %.1fs", self.provider, reason, delay)
        self.sleep(delay)

    def _network_error(
        self, exc: Exception, what: str, safe: bool, starts_task: bool, url: str
    ) -> TransientError:
        import requests

        if isinstance(exc, requests.exceptions.SSLError):
            return TransientError(
                f"{self.provider}: {what} failed: TLS certificate verification failed",
                provider=self.provider,
                hint="check the endpoint, or the CA bundle (REQUESTS_CA_BUNDLE)",
            )
        kind = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "connection failed"
        from transhub.network import describe

        cause = f"{kind}: {describe(url, exc)}"
        if not safe:
            return unknown_fate(self.provider, what, cause, starts_task=starts_task)
        return spent(
            TransientError(
                f"{self.provider}: {what} {cause}", provider=self.provider, retryable=True
            )
        )

    def upload(
        self,
        url: str,
        *,
        fields: Mapping[str, str],
        file_field: str,
        path: Path,
        filename: str | None = None,
        content_type: str = "application/octet-stream",
        headers: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        idempotent: bool = False,
        progress: Progress | None = None,
        what: str = "upload",
        starts_task: bool = False,
    ) -> requests.Response:
        """POST ``fields`` and the file at ``path`` as multipart/form-data, streamed
        from disk (memory stays flat whatever the file's size; a file of one chunk or
        less is encoded whole, see :mod:`transhub.forms`); ``starts_task`` as for
        :meth:`request`."""
        from transhub.forms import form_body

        handles: list[BinaryIO] = []
        # A local name that is not valid UTF-8 cannot go into a multipart header as is.
        sent_name = filename or path.name
        if not _utf8(sent_name):
            sent_name = safe_filename(sent_name)

        def body() -> Any:
            for old in handles:
                old.close()
            handle = path.open("rb")
            handles.append(handle)
            return form_body(fields, file_field, handle, sent_name, content_type, progress)

        try:
            return self.request(
                "POST",
                url,
                idempotent=idempotent,
                body=body,
                headers=headers,
                what=what,
                starts_task=starts_task,
            )
        finally:
            for handle in handles:
                handle.close()

    def save(
        self,
        response: requests.Response,
        destination: Path,
        *,
        overwrite: bool = False,
        progress: Progress | None = None,
    ) -> Download:
        """Stream a response body to ``destination`` atomically.

        A body shorter than its ``Content-Length``, or a connection dropped midway,
        leaves nothing at ``destination`` and raises
        :class:`~transhub.errors.IncompleteDownloadError` (downloads are idempotent).
        """
        import hashlib

        import requests

        expected = response.headers.get("Content-Length")
        total = int(expected) if expected and expected.isdigit() else None
        digest = hashlib.sha256()
        size = 0
        try:
            with atomic_writer(destination, overwrite=overwrite) as handle:
                for chunk in response.iter_content(CHUNK_SIZE):
                    handle.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress(size, total)
                if total is not None and size != total:
                    raise IncompleteDownloadError(
                        f"{self.provider}: download of {destination.name} was cut short "
                        f"({size} of {total} bytes)",
                        provider=self.provider,
                    )
        except requests.RequestException as exc:
            raise IncompleteDownloadError(
                f"{self.provider}: download of {destination.name} failed: {type(exc).__name__}",
                provider=self.provider,
            ) from exc
        finally:
            response.close()
        return Download(
            path=destination,
            size=size,
            sha256=digest.hexdigest(),
            content_type=response.headers.get("Content-Type", ""),
            headers=dict(response.headers),
        )

    def fetch(
        self,
        url: str,
        destination: Path,
        *,
        overwrite: bool = False,
        headers: Mapping[str, str] | None = None,
        progress: Progress | None = None,
        what: str = "download",
    ) -> Download:
        """GET ``url`` and save it (see :meth:`save`); a cut-short body is fetched
        again, up to the retry limit."""

        def attempt() -> Download:
            response = self.request(
                "GET", url, idempotent=True, headers=headers, stream=True, what=what
            )
            if response.status_code >= 400:
                response.close()
                # After the retries a 5xx is still transient; a 4xx will not change.
                error = TransientError if response.status_code >= 500 else ProviderError
                raise error(
                    f"{self.provider}: {what} answered HTTP {response.status_code}",
                    provider=self.provider,
                    code=response.status_code,
                )
            return self.save(response, destination, overwrite=overwrite, progress=progress)

        return call_with_retries(attempt, self.options, sleep=self.sleep, retry=cut_short)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_json(response: requests.Response, provider: str, what: str) -> Any:
    """The JSON body of a response, or a readable :class:`ResponseFormatError` when
    the server answered something else (an HTML proxy page, a truncated body)."""
    content_type = response.headers.get("Content-Type", "")
    text = response.text
    try:
        return json.loads(text)
    except ValueError:
        snippet = " ".join(text.split())[:80]
        kind = (
            "an HTML page"
            if "html" in content_type or snippet.startswith("<")
            else "malformed JSON"
        )
        # Cut after quoting: control characters quote four times longer (\x00).
        shown = repr(snippet)
        shown = shown if len(shown) <= 82 else f"{shown[:80]}…"
        raise ResponseFormatError(
            f"{provider}: {what} answered {kind} (HTTP {response.status_code}), not JSON: {shown}",
            provider=provider,
            code=response.status_code,
        ) from None


def check_endpoint(url: str, setting: str, *, insecure: bool = False) -> str:
    """Refuse a plain ``http://`` endpoint unless it is on this machine (an emulator)
    or ``insecure`` was asked for: credentials and documents would travel in clear."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{setting} must be an http(s) URL, got {url!r}")
    if parts.scheme == "http" and not insecure and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"{setting} is plain http:// on a non-loopback host ({parts.hostname}); "
            "use https://, or pass --insecure if you really mean it"
        )
    return url.rstrip("/")


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
