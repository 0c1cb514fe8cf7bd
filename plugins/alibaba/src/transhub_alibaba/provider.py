"""Alibaba Cloud Machine Translation as transhub sees it: name, settings, client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transhub.capabilities.base import ProviderInfo

from transhub_alibaba.settings import NAME, AlibabaSettings

if TYPE_CHECKING:
    from transhub.http import HttpClient

    from transhub_alibaba.client import AlibabaClient


def connect(settings: AlibabaSettings, http: HttpClient) -> AlibabaClient:
    """Build the API client (raises a configuration error naming missing credentials)."""
    from transhub_alibaba.client import AlibabaClient

    return AlibabaClient(settings, http)


PROVIDER: ProviderInfo[AlibabaSettings, AlibabaClient] = ProviderInfo(
    name=NAME,
    title="Alibaba Cloud Machine Translation",
    settings=AlibabaSettings,
    connect=connect,
    homepage="https://www.alibabacloud.com/product/machine-translation",
    docs="https://help.aliyun.com/zh/machine-translation/",
    # The setting max_concurrent_tasks (4 unless set: docs/providers/alibaba.md says
    # why); a task's slot is freed when it finishes remotely, its downloads run beside
    # the next task.
    max_concurrent_tasks=lambda settings: settings.max_concurrent_tasks,
    # The access key id is public (the secret is the access key secret).
    account=lambda settings: f"{settings.access_key_id}@{settings.endpoint or settings.region}",
)
