"""Faults injected in front of the emulator: retries happen exactly where they are safe,
and the request log proves what reached the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from transhub.capabilities.base import ProviderContext, TaskState
from transhub.capabilities.document import DocumentRequest, OutputKind
from transhub.emulation import Fault
from transhub.errors import RateLimitError, ResponseFormatError, TransientError
from transhub.polling import wait_for

from transhub_fanyigou.capabilities.account import FanyigouAccount
from transhub_fanyigou.capabilities.document import FanyigouDocuments
from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.emulator import FanyigouEmulator
from transhub_fanyigou.settings import FanyigouSettings

Context = ProviderContext[FanyigouSettings, FanyigouClient]


def translated(documents: FanyigouDocuments, path: Path) -> str:
    task_id = documents.submit(DocumentRequest(path=path, target="zh", source="en"))
    wait_for(lambda: documents.status(task_id), interval=0.02, max_interval=0.05, timeout=5)
    return task_id


def test_108_on_a_query_backs_off_and_retries(
    context: Context, samples: Any, emulator: FanyigouEmulator, sleeps: list[float]
) -> None:
    documents = FanyigouDocuments(context)
    task_id = translated(documents, samples.text())
    emulator.log.clear()
    emulator.faults.queue(Fault.THROTTLE, action="queryTransProgress", times=2)
    assert documents.status(task_id).state is TaskState.DONE
    assert emulator.faults.pending() == 0
    # Throttled requests are refused before processing: only the third was processed.
    assert emulator.log.count("queryTransProgress") == 1
    assert len(sleeps) == 2


def test_108_on_an_upload_is_safe_to_resend(
    context: Context, samples: Any, emulator: FanyigouEmulator, sleeps: list[float]
) -> None:
    emulator.faults.queue(Fault.THROTTLE, action="uploadTranslate")
    translated(FanyigouDocuments(context), samples.text())
    assert [r.status for r in emulator.log.records("uploadTranslate")] == [100]
    assert len(emulator.service.tasks) == 1
    assert sleeps


def test_persistent_108_ends_in_a_rate_limit_error(
    context: Context, emulator: FanyigouEmulator
) -> None:
    emulator.faults.queue(Fault.THROTTLE, action="getAccount", times=10)
    with pytest.raises(RateLimitError, match="108") as caught:
        FanyigouAccount(context).balance("document")
    assert caught.value.retryable
    assert emulator.log.count("getAccount") == 0


def test_108_on_a_download_is_waited_out(
    context: Context, samples: Any, emulator: FanyigouEmulator, tmp_path: Path
) -> None:
    documents = FanyigouDocuments(context)
    task_id = translated(documents, samples.text())
    emulator.faults.queue(Fault.THROTTLE, action="downloadFile")
    saved = documents.download(task_id, tmp_path / "out.txt", OutputKind.SAME)
    assert saved.path.read_text().startswith("[zh] ")


def test_502_on_a_query_is_retried(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(context)
    task_id = translated(documents, samples.text())
    emulator.faults.queue(Fault.ERROR, action="queryTransProgress", times=2)
    assert documents.status(task_id).state is TaskState.DONE


def test_502_on_an_upload_is_not_retried(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    emulator.faults.queue(Fault.ERROR, action="uploadTranslate")
    with pytest.raises(TransientError, match="502") as caught:
        FanyigouDocuments(context).submit(DocumentRequest(path=samples.text(), target="zh"))
    assert not caught.value.retryable
    assert emulator.log.count("uploadTranslate") == 0
    assert not emulator.service.tasks


def test_a_connection_dropped_after_an_upload_is_not_resent(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    emulator.faults.queue(Fault.DROP_AFTER, action="uploadTranslate")
    with pytest.raises(TransientError, match="may have reached") as caught:
        FanyigouDocuments(context).submit(DocumentRequest(path=samples.text(), target="zh"))
    assert not caught.value.retryable
    # The service started the task once, and was not sent the file a second time.
    assert emulator.log.count("uploadTranslate") == 1
    assert len(emulator.log.uploads()) == 1
    assert len(emulator.service.tasks) == 1


def test_a_dropped_two_step_submit_is_resent_and_runs_once(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(context)
    count = documents.count_pages(samples.pdf(pages=2))
    before = emulator.service.balances[1]
    emulator.faults.queue(Fault.DROP_AFTER, action="submitForDetectDoc")
    request = DocumentRequest(path=samples.pdf(), target="zh", prepared_task_id=count.task_id)
    assert documents.submit(request) == count.task_id
    assert [r.status for r in emulator.log.records("submitForDetectDoc")] == [100, 326]
    status = wait_for(
        lambda: documents.status(count.task_id or ""), interval=0.02, max_interval=0.05, timeout=5
    )
    assert status.state is TaskState.DONE
    assert emulator.service.balances[1] == before - 2
    assert len(emulator.log.uploads()) == 1


def test_a_download_cut_short_is_fetched_again_and_never_left_partial(
    context: Context, samples: Any, emulator: FanyigouEmulator, tmp_path: Path
) -> None:
    documents = FanyigouDocuments(context)
    task_id = translated(documents, samples.text(text="line\n" * 5000))
    emulator.faults.queue(Fault.DROP_AFTER, action="downloadFile")
    out = tmp_path / "out"
    saved = documents.download(task_id, out / "result.txt", OutputKind.SAME)
    expected = "".join("[zh] line\n" for _ in range(5000))
    assert saved.path.read_text() == expected
    assert [p.name for p in out.iterdir()] == ["result.txt"]
    assert emulator.log.count("downloadFile") == 2


def test_a_dropped_connection_before_processing_a_query_is_retried(
    context: Context, emulator: FanyigouEmulator
) -> None:
    emulator.faults.queue(Fault.DROP_BEFORE, action="getAccount")
    assert FanyigouAccount(context).balance("document").balance > 0
    assert emulator.log.count("getAccount") == 1


@pytest.mark.parametrize("fault", [Fault.HTML, Fault.MALFORMED])
def test_html_or_malformed_answers_are_readable_format_errors(
    context: Context, emulator: FanyigouEmulator, fault: Fault
) -> None:
    emulator.faults.queue(fault, action="getAccount")
    with pytest.raises(ResponseFormatError, match="getAccount answered") as caught:
        FanyigouAccount(context).balance("document")
    assert "Traceback" not in str(caught.value)


def test_a_delay_is_only_slower(context: Context, emulator: FanyigouEmulator) -> None:
    emulator.faults.delay_seconds = 0.1
    emulator.faults.queue(Fault.DELAY, action="getAccount")
    assert FanyigouAccount(context).balance("document").unit == "pages"
