"""Fanyigou as the core sees it: its name, settings and how to build its client."""

from __future__ import annotations

from transhub.capabilities.base import ProviderInfo
from transhub.errors import ConfigurationError
from transhub.http import HttpClient

from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.settings import FanyigouSettings


def connect(settings: FanyigouSettings, http: HttpClient) -> FanyigouClient:
    """Build the API client shared by every Fanyigou capability."""
    missing = settings.missing()
    if missing:
        raise ConfigurationError(f"fanyigou is not configured: set {', '.join(missing)}")
    return FanyigouClient(settings, http)


def max_concurrent_tasks(settings: FanyigouSettings) -> int:
    """At most one running translation per channel of the account."""
    return settings.channels


FANYIGOU: ProviderInfo[FanyigouSettings, FanyigouClient] = ProviderInfo(
    name="fanyigou",
    title="Fanyigou (翻译狗)",
    settings=FanyigouSettings,
    connect=connect,
    homepage="https://www.fanyigou.com/",
    docs="https://www.fanyigou.com/TranslateApi/",
    max_concurrent_tasks=max_concurrent_tasks,
    # The appid is public (the private key signs and is never sent).
    account=lambda settings: f"{settings.appid}@{settings.endpoint}",
)
