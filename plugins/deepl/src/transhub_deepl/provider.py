"""DeepL as the core sees it: its name, settings and how to build its client."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from transhub.capabilities.base import ProviderInfo

from transhub_deepl.settings import FREE_ENDPOINT, NAME, PRO_ENDPOINT, DeepLSettings

if TYPE_CHECKING:
    from transhub.http import HttpClient

    from transhub_deepl.client import DeepLClient


def connect(settings: DeepLSettings, http: HttpClient) -> DeepLClient:
    """Build the API client shared by every DeepL capability (a configuration error
    names the missing key)."""
    from transhub_deepl.client import DeepLClient

    return DeepLClient(settings, http)


#: The key of the keyed digest that names a DeepL account (public: every machine of a
#: cluster must name the same account alike; it only keeps the digest apart from any
#: other hash of the key).
ACCOUNT_DIGEST_KEY = b"transhub/deepl/account/v1"


def account(settings: DeepLSettings) -> str:
    """The account's public identity: DeepL has no public account id, only the secret
    key, so the account is named by its plan and a keyed digest of the key (an HMAC,
    never the key itself) at its endpoint.  Two keys are two accounts, each with its
    own channels; the journal never sees the key."""
    key = settings.key()
    digest = hmac.new(ACCOUNT_DIGEST_KEY, key.encode(), hashlib.sha256).hexdigest()[:32]
    plan = "free" if settings.free else "pro"
    endpoint = settings.endpoint or (FREE_ENDPOINT if settings.free else PRO_ENDPOINT)
    return f"{plan}:{digest}@{endpoint}"


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
    account=account,
)
