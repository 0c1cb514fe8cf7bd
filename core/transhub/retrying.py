"""The retry policy's pieces that are not about sockets: how long a server asks us to
wait (``Retry-After`` and the headers providers declare instead), the error after a
paid request of unknown fate, and retrying a call that raised a retryable error.

:class:`~transhub.http.HttpClient` applies them; they live here so that plugins and
tests can use them without the HTTP machinery.
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from transhub.errors import (
    IncompleteDownloadError,
    RateLimitError,
    TranshubError,
    TransientError,
)

if TYPE_CHECKING:
    from transhub.http import HttpOptions

log = logging.getLogger("transhub.http")

T = TypeVar("T")
E = TypeVar("E", bound=TranshubError)

#: A server-requested delay is waited up to this factor longer (jitter).
RETRY_AFTER_JITTER = 1.25


@dataclass(frozen=True)
class RetryAfterHeader:
    """A response header in which a server says how long to wait before retrying.

    ``unit`` is the header's unit in seconds (``0.001`` for milliseconds); a header
    in seconds may also hold an HTTP date, as ``Retry-After`` may.
    """

    name: str
    unit: float = 1.0


#: The standard header (RFC 9110), always read after a provider's own.
RETRY_AFTER = RetryAfterHeader("Retry-After")


def parse_retry_after(value: str | None, unit: float = 1.0) -> float | None:
    """A retry-after header's value as seconds: a number of ``unit`` seconds, or (for
    a header in seconds, as ``Retry-After``) an HTTP date."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        # "nan", "inf" and negative numbers are not delays a server can mean.
        return number * unit if math.isfinite(number) and number >= 0 else None
    if unit != 1.0:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def retry_after(
    headers: Mapping[str, str], declared: Sequence[RetryAfterHeader] = ()
) -> float | None:
    """The delay a response asks for, in seconds: the first usable one of the
    ``declared`` headers, then ``Retry-After``; ``None`` when there is none."""
    for header in (*declared, RETRY_AFTER):
        seconds = parse_retry_after(headers.get(header.name), header.unit)
        if seconds is not None:
            return seconds
    return None


#: What to do after a submit of unknown fate (see :func:`unknown_fate`); the journal
#: records the job as "may have been submitted".
UNKNOWN_FATE_HINT = (
    "the job may have been submitted (`transhub jobs list` shows it): check with the "
    "provider, then `transhub jobs resume JOB_ID --resubmit` sends it again (which could "
    "pay twice) or `transhub jobs forget JOB_ID` drops it"
)


def unknown_fate(
    provider: str, what: str, cause: str, *, code: str | int | None = None, starts_task: bool
) -> TransientError:
    """The error after a paid request that may have reached the provider (the
    connection dropped after sending, or a 5xx answered it): not retryable.  For a
    request that starts a remote task (``starts_task``), it says how to go on."""
    return TransientError(
        f"{provider}: {what} {cause} (it may have reached the provider: not retried)",
        provider=provider,
        code=code,
        retryable=False,
        hint=UNKNOWN_FATE_HINT if starts_task else None,
    )


def retryable(exc: TranshubError) -> bool:
    """Whether an error says that the same request, sent again later, may succeed."""
    return isinstance(exc, (RateLimitError, TransientError)) and exc.retryable


def cut_short(exc: TranshubError) -> bool:
    """Whether ``exc`` says a download's body was cut short (fetch it anew)."""
    return isinstance(exc, IncompleteDownloadError)


def spent(error: E) -> E:
    """``error``, marked as raised after the HTTP layer spent its own retries on it
    (a network failure of a repeatable request, a 5xx it kept getting):
    :func:`call_with_retries` never retries it again, so one call's budget is not
    multiplied by another's."""
    error.retries_spent = True
    return error


def call_with_retries(
    call: Callable[[], T],
    options: HttpOptions,
    *,
    sleep: Callable[[float], None] = time.sleep,
    limit: int | None = None,
    retry: Callable[[TranshubError], bool] = retryable,
    within: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Call ``call`` again while it raises a :class:`TranshubError` that ``retry``
    accepts (by default a *retryable* one: a provider's "too many requests" answer),
    honouring ``retry_after``, at most ``limit`` times (default: the ``retries``
    option), logging each retry once.

    ``call`` is one whole attempt: it may send a request, read the answer and stream
    a body to disk, so a retry re-opens what it needs (a download cut short,
    :class:`~transhub.errors.IncompleteDownloadError`, is fetched anew).  A plugin
    narrows ``retry`` to the answers of its own protocol that prove the request was
    not processed.  An error the HTTP layer has already retried (:func:`spent`) is
    never retried again.  ``within``: no retry starts later than this many seconds
    after the first attempt (a provider's idempotency window: a repeat within it is
    processed once)."""
    attempts = limit if limit is not None else options.retries
    started = clock()
    for attempt in range(attempts + 1):
        try:
            return call()
        except TranshubError as exc:
            if exc.retries_spent or not retry(exc) or attempt >= attempts:
                raise
            delay = options.delay(attempt, exc.retry_after)
            if within is not None and clock() + delay - started > within:
                raise
            log.info("%s; retrying in %.1fs", exc.message, delay)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
