"""The typed errors transhub raises, and the exit code the CLI gives each.

Every error carries a one-line message fit for a terminal.  Errors that come from a
provider also carry the provider's name, its own code and message, the request id
when the provider gave one, and whether the request is *safe to retry* — meaning the
provider did not process it, so sending it again cannot charge twice.

The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``; the
table of exit codes lives in ``docs/exit-codes.md`` and is checked against
:data:`EXIT_CODES` by the test suite.
"""

from __future__ import annotations

from pathlib import Path

#: Exit codes, by meaning.  Documented in docs/exit-codes.md (a test keeps both in step).
EXIT_CODES: dict[str, int] = {
    "ok": 0,
    "failure": 1,
    "usage": 2,
    "configuration": 3,
    "input": 4,
    "routing": 5,
    "authentication": 6,
    "quota": 7,
    "rate-limit": 8,
    "transient": 9,
    "provider": 10,
    "job-failed": 11,
    "result-expired": 12,
    "not-found": 13,
    "interrupted": 130,
}


class TranshubError(Exception):
    """Base of every error transhub raises on purpose.

    ``retryable`` is true only when sending the same request again cannot start a
    second paid task (the provider refused it, or it never left this machine).

    ``refused`` is true only when the provider turned the request away *before any
    payment*, for a reason of its own account or capacity — quota or balance used
    up, throttling that outlasted the retry budget, every channel busy — so that no
    task exists and nothing was charged, and another provider may take the same
    request (``--fallback``, :mod:`transhub.jobs.fallback`).  Each plugin's
    status-to-error map sets it, code by code; an error of unknown fate (a dropped
    connection, a 5xx after a paid request left) is never refused.
    """

    kind = "failure"
    retryable = False
    refused = False
    #: Set by :func:`transhub.retrying.spent`: the HTTP layer already retried this.
    retries_spent = False

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        code: str | int | None = None,
        provider_message: str | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
        refused: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.code = code
        self.provider_message = provider_message
        self.request_id = request_id
        if retryable is not None:
            self.retryable = retryable
        if refused is not None:
            self.refused = refused
        self.retry_after = retry_after
        self.hint = hint

    @property
    def exit_code(self) -> int:
        """The process exit code the CLI uses for this error."""
        return EXIT_CODES[self.kind]

    def __str__(self) -> str:
        parts = [self.message]
        if self.provider_message and self.provider_message not in self.message:
            parts.append(f"(provider said: {self.provider_message})")
        if self.request_id:
            parts.append(f"[request id {self.request_id}]")
        if self.hint:
            parts.append(f"— {self.hint}")
        return " ".join(parts)

    def document(self) -> dict[str, dict[str, object]]:
        """The error as ``--json``/``--jsonl`` print it on stderr:
        ``{"error": {"code", "exit_code", "message", "provider", "hint"}}`` — ``code`` is
        the class of problem (the exit code's name), ``message`` the line without the
        hint."""
        hintless = TranshubError.__str__(_without_hint(self))
        return {
            "error": {
                "code": self.kind,
                "exit_code": self.exit_code,
                "message": hintless,
                "provider": self.provider,
                "hint": self.hint,
            }
        }

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description, used by ``--json`` output and the journal."""
        return {
            "error": self.kind,
            "message": str(self),
            "provider": self.provider,
            "code": self.code,
            "request_id": self.request_id,
            "retryable": self.retryable,
            "refused": self.refused,
        }


def _without_hint(error: TranshubError) -> TranshubError:
    copy = TranshubError.__new__(type(error))
    copy.__dict__.update(error.__dict__, hint=None)
    return copy


class Declined(TranshubError):
    """The user answered no when asked to confirm; nothing was sent."""

    kind = "failure"


class UsageError(TranshubError):
    """The command line names something that does not exist (an unknown setting key)."""

    kind = "usage"


class ConfigurationError(TranshubError):
    """A setting is missing or invalid (credentials, endpoint, config file)."""

    kind = "configuration"


def missing_credentials(missing: dict[str, list[str]], *, what: str) -> ConfigurationError:
    """The error for providers whose required settings are unset: it names each
    setting, the ``transhub config set`` line that sets it, and ``--sandbox``.

    ``missing`` maps a provider to its unset settings as environment variable names
    (``TRANSHUB_FANYIGOU_APPID``); ``what`` is what cannot be done without them.
    """
    lines = []
    for provider, variables in missing.items():
        prefix = f"TRANSHUB_{provider.upper()}_"
        # "TRANSHUB_P_KEY" or "TRANSHUB_P_KEY (or VENDOR_VARIABLE)" names the key P.key.
        keys = [
            f"{provider}.{v.split()[0][len(prefix) :].lower()}"
            for v in variables
            if v.startswith(prefix)
        ]
        others = [v for v in variables if not v.startswith(prefix)]
        said = " and ".join(f"`transhub config set {key} VALUE`" for key in keys)
        if keys:
            said += f" (or {', '.join(v for v in variables if v.startswith(prefix))})"
        lines.append(", ".join(filter(None, [said, *others])))
    return ConfigurationError(
        f"{what}: set the credentials with {'; or '.join(lines)}",
        provider=next(iter(missing)) if len(missing) == 1 else None,
        hint="or try it without an account: transhub --sandbox COMMAND",
    )


class RoutingError(TranshubError):
    """No installed provider can serve the request, or more than one could and none was chosen."""

    kind = "routing"


class InputError(TranshubError):
    """The user's input breaks a rule; nothing was sent to any provider."""

    kind = "input"

    def __init__(self, message: str, *, path: Path | str | None = None, **kwargs: object) -> None:
        if path is not None:
            message = f"{path}: {message}"
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.path = path


class LimitExceededError(InputError):
    """An input exceeds a limit the provider declares (size, pixels, length, count)."""


class UnsupportedLanguageError(InputError):
    """A language code is unknown, or the provider does not offer the language or pair."""


class AuthenticationError(TranshubError):
    """The provider refused the credentials."""

    kind = "authentication"


class QuotaError(TranshubError):
    """The account's balance or quota is too low for the request."""

    kind = "quota"


class RateLimitError(TranshubError):
    """The provider asked us to slow down.  Safe to retry after ``retry_after`` seconds."""

    kind = "rate-limit"
    retryable = True


class TransientError(TranshubError):
    """A network failure or a server error that may pass.

    Only retryable when the request cannot have been processed (see ``retryable``).
    """

    kind = "transient"


class IncompleteDownloadError(TransientError):
    """A result's body was cut short (shorter than its ``Content-Length``, or the
    connection dropped midway): nothing was saved, and asking again is safe (a
    download changes nothing) — though a provider that releases a result once served
    may no longer have it."""

    retryable = True


class ProviderError(TranshubError):
    """The provider answered with an error that has no more specific class."""

    kind = "provider"


class JobFailedError(TranshubError):
    """A remote task ended in failure (the provider's status says why)."""

    kind = "job-failed"


class ResultExpiredError(TranshubError):
    """The task finished, but its result is no longer kept by the provider."""

    kind = "result-expired"


class NotFoundError(TranshubError):
    """The thing asked for does not exist (a task id, a dictionary entry)."""

    kind = "not-found"


class Interrupted(TranshubError):
    """The user stopped the run (Ctrl-C); remote tasks stay recorded in the journal."""

    kind = "interrupted"


class ResponseFormatError(ProviderError):
    """The provider answered with something that is not the documented format
    (an HTML proxy page, malformed JSON, a missing field)."""

    retryable = False
