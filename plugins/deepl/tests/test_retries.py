"""DeepL's own retry rules, on the core's retry helper, counted at the emulator: a 529
(refused before processing) is sent again the core's ``retries`` times, for a text and
for a paid upload, honouring ``Retry-After``; a result cut short is asked for once more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import transhub
from transhub.capabilities import Capability
from transhub.capabilities.document import DocumentRequest, OutputKind
from transhub.emulation import Fault
from transhub.errors import RateLimitError
from transhub.retrying import RETRY_AFTER_JITTER


def _text(monkeypatch: pytest.MonkeyPatch, retries: int) -> tuple[Any, list[float]]:
    monkeypatch.setenv("TRANSHUB_RETRIES", str(retries))
    hub = transhub.Hub()
    translator = hub.instance(hub.route(Capability.TEXT))
    delays: list[float] = []
    translator.context.http.sleep = delays.append
    return translator, delays


def test_a_529_is_retried_the_configured_number_of_times_then_refused(
    service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    translator, delays = _text(monkeypatch, retries=3)
    service.emulator.refuse_next(529, "translate", times=10, retry_after=0.5)
    with pytest.raises(RateLimitError, match="HTTP 529") as caught:
        translator.translate("busy", "de", None)
    assert caught.value.refused
    assert service.count("translate") == 4  # the first request and 3 retries, no more
    assert len(delays) == 3
    assert all(0.5 <= d <= 0.5 * RETRY_AFTER_JITTER for d in delays)


def test_a_paid_upload_refused_with_529_is_sent_again_and_paid_once(
    service: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSHUB_RETRIES", "4")
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    hub = transhub.Hub()
    translator = hub.instance(hub.prepare_document(notes, "de").implementation)
    delays: list[float] = []
    translator.context.http.sleep = delays.append
    service.emulator.refuse_next(529, "document.upload", times=2, retry_after=2)
    assert translator.submit(DocumentRequest(path=notes, target="de"))
    assert service.count("document.upload") == 3
    assert len(service.emulator.documents) == 1  # one document, paid once
    assert len(delays) == 2 and all(2 <= d <= 2 * RETRY_AFTER_JITTER for d in delays)


def test_a_5xx_after_a_paid_upload_is_not_retried_by_either_layer(
    service: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    hub = transhub.Hub()
    translator = hub.instance(hub.prepare_document(notes, "de").implementation)
    translator.context.http.sleep = lambda _s: None
    service.emulator.refuse_next(503, "document.upload", times=5)
    with pytest.raises(transhub.errors.TransientError, match="may have been processed"):
        translator.submit(DocumentRequest(path=notes, target="de"))
    assert service.count("document.upload") == 1


def test_a_result_cut_short_is_asked_for_once_more(
    service: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DeepL releases a result once served: the first body, cut short, released it, so
    the one more ask finds nothing — two requests, and the error says why."""
    service.emulator.options.task_seconds = 0.0
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    hub = transhub.Hub()
    translator = hub.instance(hub.prepare_document(notes, "de").implementation)
    translator.context.http.sleep = lambda _s: None
    task_id = translator.submit(DocumentRequest(path=notes, target="de"))
    translator.status(task_id)
    service.app.faults.queue(Fault.DROP_AFTER, action="document.result", times=3)
    with pytest.raises(transhub.errors.ResultExpiredError, match="interrupted download"):
        translator.download(task_id, tmp_path / "out.txt", OutputKind.SAME)
    assert service.count("document.result") == 2
    assert service.app.faults.pending() == 1  # one ask more, not the retry budget
