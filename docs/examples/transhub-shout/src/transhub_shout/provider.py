"""The Shout provider: its settings, its API client and its one capability."""

# --8<-- [start:imports]
from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import SecretStr
from transhub.capabilities.base import LanguageSupport, ProviderInfo
from transhub.capabilities.text import TextResult, TextTranslator
from transhub.errors import (
    AuthenticationError,
    LimitExceededError,
    ProviderError,
    RateLimitError,
    TranshubError,
    UnsupportedLanguageError,
)
from transhub.http import HttpClient, check_endpoint, parse_json, parse_retry_after
from transhub.settings import ProviderSettings

NAME = "shout"
# --8<-- [end:imports]


# --8<-- [start:settings]
class ShoutSettings(ProviderSettings):
    """``TRANSHUB_SHOUT_API_KEY`` (secret) and ``TRANSHUB_SHOUT_ENDPOINT``, or the
    ``[shout]`` table of the config file."""

    model_config = ProviderSettings.config_for(NAME)
    config_table: ClassVar[str | None] = NAME
    required: ClassVar[tuple[str, ...]] = ("api_key",)

    endpoint: str = "https://api.shout.example"
    api_key: SecretStr = SecretStr("")


# --8<-- [end:settings]


# --8<-- [start:client]
class ShoutClient:
    """The wire protocol: one JSON call, authenticated by a key header."""

    def __init__(self, settings: ShoutSettings, http: HttpClient) -> None:
        self.base = check_endpoint(settings.endpoint, "TRANSHUB_SHOUT_ENDPOINT")
        self._key = settings.api_key
        self.http = http

    def translate(self, text: str, to: str, source: str | None) -> dict[str, Any]:
        """POST /v1/translate.  A translation is charged, so it is not idempotent:
        transhub retries it only if the service provably never received it."""
        response = self.http.request(
            "POST",
            f"{self.base}/v1/translate",
            idempotent=False,
            headers={
                "Authorization": f"Key {self._key.get_secret_value()}",
                "Content-Type": "application/json",
            },
            data=json.dumps({"text": text, "to": to, "from": source}),
            what="translate",
        )
        data = parse_json(response, NAME, "translate")
        if response.status_code != 200:
            raise error_for(response.status_code, data, response.headers.get("Retry-After"))
        result: dict[str, Any] = data
        return result


def error_for(status: int, data: Any, retry_after: str | None = None) -> TranshubError:
    """The one place where Shout's answers become transhub's typed errors."""
    message = str(data.get("error", "")) if isinstance(data, dict) else ""
    if status == 401:
        return AuthenticationError(
            "shout refused the API key: check TRANSHUB_SHOUT_API_KEY",
            provider=NAME,
            code=status,
            provider_message=message,
        )
    if status == 429:
        return RateLimitError(
            "shout: too many requests",
            provider=NAME,
            code=status,
            retry_after=parse_retry_after(retry_after),
        )
    if status == 413:
        return LimitExceededError(f"shout: {message}", provider=NAME, code=status)
    if status == 400:
        return UnsupportedLanguageError(f"shout: {message}", provider=NAME, code=status)
    return ProviderError(
        f"shout answered HTTP {status}", provider=NAME, code=status, provider_message=message
    )


# --8<-- [end:client]


# --8<-- [start:provider]
SHOUT = ProviderInfo(
    name=NAME,
    title="Shout (tutorial example)",
    settings=ShoutSettings,
    connect=ShoutClient,
    homepage="https://shout.example",
)
# --8<-- [end:provider]


# --8<-- [start:capability]
class ShoutText(TextTranslator[ShoutSettings, ShoutClient]):
    """Short texts, between four languages.  The declarations are data: transhub
    checks every request against them before calling :meth:`translate`."""

    provider = SHOUT
    #: Canonical code → Shout's own code.
    languages = LanguageSupport(codes={"en": "EN", "fr": "FR", "de": "DE", "es": "ES"})
    #: Shout's documented limit (characters, spaces included).
    max_chars = 500

    def translate(self, text: str, target: str, source: str | None) -> TextResult:
        own = self.languages.provider_code
        data = self.client.translate(text, own(target), own(source) if source else None)
        detected = self.languages.canonical_code(data.get("detected", ""))
        return TextResult(text=data["translation"], source=source or detected, target=target)


# --8<-- [end:capability]
