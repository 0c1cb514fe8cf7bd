"""Alibaba's error codes and what transhub makes of them.

Two families reach a client:

* business errors: a numeric ``Code`` (101–113) in the JSON body;
* gateway errors: HTTP 4xx/5xx with a string ``Code`` (``SignatureDoesNotMatch``,
  ``InvalidAccessKeyId.NotFound``, ``Throttling.User``…).

:func:`error_for` is the one place that turns either into a typed
:class:`~transhub.errors.TranshubError`.  ``docs/providers/alibaba.md`` lists the same
table for users; keep them in step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from transhub.errors import (
    AuthenticationError,
    LimitExceededError,
    ProviderError,
    QuotaError,
    RateLimitError,
    TranshubError,
    TransientError,
    UnsupportedLanguageError,
)

PROVIDER = "alibaba"


def _own_variable(name: str) -> str:
    return f"TRANSHUB_ALIBABA_{name.upper()}"


@dataclass(frozen=True)
class _Rule:
    error: type[TranshubError]
    summary: str
    #: The setting to name in the hint (``access_key_secret``…), if any.
    setting: str | None = None
    hint: str | None = None
    #: Whether the service refused the request without processing it.
    refused: bool = False
    #: Whether that refusal is for the account or the service's capacity (arrears,
    #: throttling): nothing was charged, so another provider may take the request
    #: (the error's ``refused``, see :mod:`transhub.jobs.fallback`).
    turned_away: bool = False


#: Business codes (the reference's "HttpCode" column; they arrive as the body's ``Code``).
BUSINESS: dict[int, tuple[str, _Rule]] = {
    101: ("System.RequestTimeOut", _Rule(TransientError, "the service timed out")),
    102: ("System.Error", _Rule(TransientError, "the service had an internal error")),
    103: (
        "System.UrlDecodingError",
        _Rule(
            ProviderError,
            "the service could not decode an image URL",
            hint="give each image as a complete, percent-encoded http(s) URL",
        ),
    ),
    104: (
        "System.ParameterError",
        _Rule(ProviderError, "the service refused a parameter as missing or invalid"),
    ),
    105: (
        "System.LanguageNotSupported",
        _Rule(
            UnsupportedLanguageError,
            "the service does not translate images in this language pair",
            hint="see `transhub languages --provider alibaba`",
        ),
    ),
    106: (
        "System.LanguageDetectError",
        _Rule(
            ProviderError,
            "the service could not detect the source language",
            hint="name the source language with --from",
        ),
    ),
    107: ("System.TranslateError", _Rule(ProviderError, "the service failed to translate")),
    108: (
        "System.StringTooLong",
        _Rule(LimitExceededError, "a parameter is longer than the service accepts"),
    ),
    110: (
        "System.AccountNotActivated",
        _Rule(
            AuthenticationError,
            "the account has not activated Machine Translation",
            setting="access_key_id",
            hint="activate Machine Translation in the Alibaba Cloud console for the account of",
        ),
    ),
    111: (
        "System.SubServiceFailed",
        _Rule(
            AuthenticationError,
            "the RAM sub-account cannot use the service",
            setting="access_key_id",
            hint="grant the RAM user Machine Translation permissions (AliyunMTFullAccess); "
            "key from",
        ),
    ),
    112: (
        "System.TranslateServiceCallFailed",
        _Rule(TransientError, "the service failed to call its translation engine"),
    ),
    113: (
        "System.AccountNotActivatedOrInArrears",
        _Rule(
            QuotaError,
            "the service is not activated or the account is in arrears",
            hint="top up or activate the account in the Alibaba Cloud console",
            refused=True,
            turned_away=True,
        ),
    ),
}

# Gateway codes, matched exactly first, then by prefix (the part before the first dot).
_SECRET_HINT = "check the AccessKey secret in"  # noqa: S105 - words, not a secret
GATEWAY: dict[str, _Rule] = {
    "SignatureDoesNotMatch": _Rule(
        AuthenticationError,
        "the request signature was refused",
        "access_key_secret",
        _SECRET_HINT,
        refused=True,
    ),
    "IncompleteSignature": _Rule(
        AuthenticationError,
        "the request signature was incomplete",
        "access_key_secret",
        _SECRET_HINT,
        refused=True,
    ),
    "InvalidAccessKeyId.NotFound": _Rule(
        AuthenticationError,
        "the AccessKey ID is unknown",
        "access_key_id",
        "check the AccessKey ID in",
        refused=True,
    ),
    "InvalidAccessKeyId.Inactive": _Rule(
        AuthenticationError,
        "the AccessKey is disabled",
        "access_key_id",
        "enable the AccessKey in the console, or change",
        refused=True,
    ),
    "InvalidAccessKeyId": _Rule(
        AuthenticationError,
        "the AccessKey ID was refused",
        "access_key_id",
        "check the AccessKey ID in",
        refused=True,
    ),
    "InvalidSecurityToken": _Rule(
        AuthenticationError,
        "the STS security token was refused",
        "security_token",
        "renew the temporary credentials in",
        refused=True,
    ),
    "MissingSecurityToken": _Rule(
        AuthenticationError,
        "temporary credentials need an STS security token",
        "security_token",
        "set",
        refused=True,
    ),
    "InvalidTimeStamp": _Rule(
        AuthenticationError,
        "the request date was refused",
        hint="the system clock is off: synchronise it (NTP)",
        refused=True,
    ),
    "SignatureNonceUsed": _Rule(
        TransientError,
        "the request nonce was already used",
        refused=True,
    ),
    "Forbidden": _Rule(
        AuthenticationError,
        "the AccessKey may not call this API",
        "access_key_id",
        "grant the RAM user Machine Translation permissions; key from",
        refused=True,
    ),
    "NoPermission": _Rule(
        AuthenticationError,
        "the AccessKey may not call this API",
        "access_key_id",
        "grant the RAM user Machine Translation permissions; key from",
        refused=True,
    ),
    "Throttling": _Rule(
        RateLimitError, "the service asked to slow down", refused=True, turned_away=True
    ),
    "ServiceUnavailable": _Rule(TransientError, "the service is unavailable"),
    "InternalError": _Rule(TransientError, "the service had an internal error"),
    "InvalidAction": _Rule(
        ProviderError,
        "the endpoint does not offer this API",
        "endpoint",
        "check the region or endpoint in",
        refused=True,
    ),
    "InvalidVersion": _Rule(
        ProviderError,
        "the endpoint does not offer this API version",
        "endpoint",
        "check the region or endpoint in",
        refused=True,
    ),
}


def business_name(code: str | int | None) -> str | None:
    """The documented name of a business code (``107`` → ``System.TranslateError``)."""
    number = _as_int(code)
    entry = BUSINESS.get(number) if number is not None else None
    return entry[0] if entry else None


def _as_int(code: str | int | None) -> int | None:
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().isdigit() and len(code.strip()) < 10:
        return int(code.strip())
    return None


def _gateway_rule(code: str) -> _Rule | None:
    if code in GATEWAY:
        return GATEWAY[code]
    head = code.split(".", 1)[0]
    return GATEWAY.get(head)


def _status_rule(status: int | None) -> _Rule:
    if status in (401, 403):
        return _Rule(
            AuthenticationError,
            "the credentials were refused",
            "access_key_id",
            "check the AccessKey in",
            refused=True,
        )
    if status == 429:
        return _Rule(
            RateLimitError, "the service asked to slow down", refused=True, turned_away=True
        )
    if status is not None and status >= 500:
        return _Rule(TransientError, "the service had a server error")
    return _Rule(ProviderError, "the service refused the request")


def error_for(
    code: str | int | None,
    message: str | None = None,
    *,
    http_status: int | None = None,
    request_id: str | None = None,
    retry_after: float | None = None,
    action: str = "request",
    repeatable: bool = True,
    where: Callable[[str], str] = _own_variable,
) -> TranshubError:
    """The typed error for an answer with ``code`` (business number or gateway string).

    ``repeatable`` says whether sending the same request again cannot start a second
    paid task (true for polls, and for submits carrying a ``CustomTaskId``): it makes
    server-side failures retryable.  Refusals the gateway makes before processing
    (signature, throttling) are always safe to repeat.  ``where`` names where a
    setting was configured, so an authentication error says what to check.
    """
    number = _as_int(code)
    name: str | int | None
    if number is not None and number in BUSINESS:
        name, rule = BUSINESS[number]
    elif isinstance(code, str) and code and number is None:
        name = code
        rule = _gateway_rule(code) or _status_rule(http_status)
    else:
        name = code
        rule = _status_rule(http_status)
    label = f"{name} ({number})" if number in BUSINESS else str(name)
    text = f"{PROVIDER}: {action} failed: {rule.summary}"
    if name is not None:
        text += f" [{label}]"
    hint = rule.hint
    if rule.setting is not None:
        hint = f"{hint or 'check'} {where(rule.setting)}"
    if rule.error is RateLimitError:
        retryable: bool = True
    elif rule.error is TransientError:
        retryable = rule.refused or repeatable
    else:
        retryable = False
    return rule.error(
        text,
        provider=PROVIDER,
        code=number if number is not None else code,
        provider_message=message or None,
        request_id=request_id,
        retryable=retryable,
        retry_after=retry_after,
        hint=hint,
        refused=rule.turned_away,
    )
