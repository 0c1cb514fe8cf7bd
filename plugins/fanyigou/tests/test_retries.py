"""Fanyigou's own retry rules on the core's retry helper, counted at the emulator: a
108 on a download is asked again the core's ``retries`` times (the conftest's client:
3), a body cut short is fetched anew, and a 5xx answering a repeatable call is not
retried on top of the HTTP layer's own retries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from transhub.capabilities.base import ProviderContext
from transhub.capabilities.document import DocumentRequest, OutputKind
from transhub.emulation import Fault
from transhub.errors import RateLimitError, TransientError
from transhub.polling import wait_for

from transhub_fanyigou.capabilities.account import FanyigouAccount
from transhub_fanyigou.capabilities.document import FanyigouDocuments
from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.emulator import FanyigouEmulator
from transhub_fanyigou.settings import FanyigouSettings

Context = ProviderContext[FanyigouSettings, FanyigouClient]
RETRIES = 3  # the conftest's HttpOptions


def _translated(documents: FanyigouDocuments, path: Path) -> str:
    task_id = documents.submit(DocumentRequest(path=path, target="zh", source="en"))
    wait_for(lambda: documents.status(task_id), interval=0.02, max_interval=0.05, timeout=5)
    return task_id


def test_a_persistent_108_on_a_download_is_asked_the_retry_budget_then_raised(
    context: Context, samples: Any, emulator: FanyigouEmulator, sleeps: list[float], tmp_path: Path
) -> None:
    documents = FanyigouDocuments(context)
    task_id = _translated(documents, samples.text())
    emulator.faults.queue(Fault.THROTTLE, action="downloadFile", times=10)
    with pytest.raises(RateLimitError, match="108"):
        documents.download(task_id, tmp_path / "out.txt", OutputKind.SAME)
    assert emulator.faults.pending() == 10 - (RETRIES + 1)  # requests that came
    assert len(sleeps) == RETRIES
    assert not (tmp_path / "out.txt").exists()


def test_108_then_a_body_cut_short_share_one_budget_and_end_saved(
    context: Context, samples: Any, emulator: FanyigouEmulator, sleeps: list[float], tmp_path: Path
) -> None:
    documents = FanyigouDocuments(context)
    task_id = _translated(documents, samples.text(text="line\n" * 2000))
    emulator.log.clear()
    emulator.faults.queue(Fault.THROTTLE, action="downloadFile")
    emulator.faults.queue(Fault.DROP_AFTER, action="downloadFile")
    saved = documents.download(task_id, tmp_path / "out.txt", OutputKind.SAME)
    assert saved.path.read_text() == "[zh] line\n" * 2000
    assert emulator.faults.pending() == 0
    assert emulator.log.count("downloadFile") == 2  # the cut one and the whole one
    assert len(sleeps) == 2


def test_a_5xx_on_a_query_is_retried_by_the_http_layer_only(
    context: Context, emulator: FanyigouEmulator, sleeps: list[float]
) -> None:
    emulator.faults.queue(Fault.ERROR, action="getAccount", times=10)
    with pytest.raises(TransientError, match="HTTP 502"):
        FanyigouAccount(context).balance("document")
    assert emulator.faults.pending() == 10 - (RETRIES + 1)
    assert len(sleeps) == RETRIES
