"""DeepL's HTTP status codes and the typed transhub error each one becomes.

DeepL answers errors with an HTTP status and, usually, a JSON body
``{"message": …, "detail": …}``.  This module is the one place that maps a status to
an error class, a one-line message and whether sending again can charge twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from transhub.errors import (
    AuthenticationError,
    InputError,
    LimitExceededError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitError,
    TranshubError,
    TransientError,
)
from transhub.http import parse_retry_after

if TYPE_CHECKING:
    import requests

PROVIDER = "deepl"
#: DeepL's own status for "quota exceeded" (character or document limit reached).
QUOTA_EXCEEDED = 456
#: DeepL's own status for "too many requests" under high load.
HIGH_LOAD = 529
#: Statuses meaning "refused before processing, come back later" (safe to resend).
SLOW_DOWN = frozenset({429, HIGH_LOAD})
#: Statuses by which DeepL turns a request away before processing it, for its own
#: capacity or the account's quota: nothing was charged and no document exists, so
#: another provider may take it (``refused``, see :mod:`transhub.jobs.fallback`).
REFUSED = SLOW_DOWN | {QUOTA_EXCEEDED}


@dataclass(frozen=True)
class Meaning:
    """What one status means: the error class, the message, and a hint."""

    error: type[TranshubError]
    message: str
    hint: str | None = None


STATUSES: dict[int, Meaning] = {
    400: Meaning(ProviderError, "bad request (a parameter is missing or invalid)"),
    403: Meaning(
        AuthenticationError,
        "the authentication key was refused",
        "check TRANSHUB_DEEPL_AUTH_KEY (or DEEPL_AUTH_KEY); a Free key ends in :fx",
    ),
    404: Meaning(NotFoundError, "not found"),
    413: Meaning(LimitExceededError, "the request is larger than DeepL accepts"),
    414: Meaning(LimitExceededError, "the request URL is longer than DeepL accepts"),
    415: Meaning(InputError, "DeepL does not accept this file type or content type"),
    429: Meaning(RateLimitError, "too many requests", "wait and try again"),
    QUOTA_EXCEEDED: Meaning(
        QuotaError,
        "the character quota of this billing period is used up",
        "see `transhub account --provider deepl`; upgrade the plan or wait for the next period",
    ),
    500: Meaning(TransientError, "internal server error"),
    502: Meaning(TransientError, "bad gateway"),
    503: Meaning(TransientError, "the service is temporarily unavailable"),
    504: Meaning(TransientError, "the service is temporarily unavailable (gateway timeout)"),
    HIGH_LOAD: Meaning(RateLimitError, "too many requests (high load)", "wait and try again"),
}


def provider_message(response: requests.Response) -> str | None:
    """DeepL's explanation from an error body (``message`` and ``detail``), if any
    (``None`` too when the body cannot be read: a streamed answer cut short)."""
    import requests

    try:
        body = json.loads(response.text)
    except (ValueError, requests.RequestException):
        return None
    if not isinstance(body, dict):
        return None
    parts = [str(body[key]) for key in ("message", "detail") if body.get(key)]
    return ": ".join(parts) or None


def error_for(
    response: requests.Response, what: str, *, processed_unknown: bool = False
) -> TranshubError:
    """The typed error for a failed answer to ``what``.

    ``processed_unknown``: the request may have been processed (a paid request met a
    5xx after it was sent), so it must not be retried blindly.
    """
    status = response.status_code
    meaning = STATUSES.get(status)
    said = provider_message(response)
    request_id = response.headers.get("X-Trace-Id") or None
    if meaning is None:
        kind: type[TranshubError] = TransientError if status >= 500 else ProviderError
        meaning = Meaning(kind, f"unexpected HTTP status {status}")
    retryable: bool | None = None
    if status in SLOW_DOWN:
        retryable = True  # refused before processing
    elif meaning.error is TransientError:
        retryable = not processed_unknown
    message = f"deepl: {what}: {meaning.message} (HTTP {status})"
    if processed_unknown and meaning.error is TransientError:
        message += "; it may have been processed: not retried"
    return meaning.error(
        message,
        provider=PROVIDER,
        code=status,
        provider_message=said,
        request_id=request_id,
        retryable=retryable,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
        hint=meaning.hint,
        refused=status in REFUSED,
    )
