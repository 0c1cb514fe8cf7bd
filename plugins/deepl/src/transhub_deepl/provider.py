"""DeepL as the core sees it: its name, settings and how to build its client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transhub.capabilities.base import ProviderInfo

from transhub_deepl.settings import NAME, DeepLSettings

if TYPE_CHECKING:
    from transhub.http import HttpClient

    from transhub_deepl.client import DeepLClient


def connect(settings: DeepLSettings, http: HttpClient) -> DeepLClient:
    """Build the API client shared by every DeepL capability (a configuration error
    names the missing key)."""
    from transhub_deepl.client import DeepLClient

    return DeepLClient(settings, http)


DEEPL: ProviderInfo[DeepLSettings, DeepLClient] = ProviderInfo(
    name=NAME,
    title="DeepL API",
    settings=DeepLSettings,
    connect=connect,
    homepage="https://www.deepl.com/pro-api",
    docs="https://developers.deepl.com/docs",
    # DeepL queues documents itself; a few in flight keep a batch moving without
    # meeting the per-account rate limit.
    max_concurrent_tasks=lambda _settings: 4,
)
