"""Callbacks: the emulator posts signed callbacks; the receiver accepts valid ones,
refuses forged, unsigned and replayed ones, and the recorded state spares a poll."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from transhub.capabilities.base import ProviderContext, TaskState
from transhub.capabilities.document import ConvertFormat, DocumentRequest
from transhub.emulation import EmulatorServer

from transhub_fanyigou import signing
from transhub_fanyigou.callbacks import CallbackReceiver, CallbackStore
from transhub_fanyigou.capabilities.document import FanyigouConverter, FanyigouDocuments
from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.emulator import TEST_PRIVATE_KEY, EmulatorOptions, FanyigouEmulator
from transhub_fanyigou.settings import FanyigouSettings

Context = ProviderContext[FanyigouSettings, FanyigouClient]

# The reference's callback example, signed as the service signs it.
EXAMPLE = {
    "createTime": "2021-08-25 14:27:47",
    "detectLan": "",
    "docType": "pdf",
    "fromLan": "中文",
    "msg": "完成",
    "pageCount": 1,
    "percent": "100.00",
    "status": 314,
    "tid": 19432525,
    "title": "test",
    "toLan": "英语",
    "updateTime": "2021-08-25 14:27:47",
    "type": 0,
}


def signed(fields: dict[str, Any], key: str = TEST_PRIVATE_KEY) -> dict[str, Any]:
    return {**fields, "token": signing.token(fields, key)}


@pytest.fixture
def store(isolated: Path) -> CallbackStore:
    return CallbackStore.default()


@pytest.fixture
def receiver_url(store: CallbackStore) -> Iterator[str]:
    with EmulatorServer(CallbackReceiver(TEST_PRIVATE_KEY, store)) as running:
        yield running.url + "/fanyigou/callback"


def send(url: str, body: Any) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(url, data=data, headers={"Content-Type": "application/json"}, timeout=10)


def test_a_valid_callback_is_answered_success_and_recorded(
    receiver_url: str, store: CallbackStore
) -> None:
    response = send(receiver_url, signed(EXAMPLE))
    assert (response.status_code, response.text) == (200, "success")
    status = store.final_status("19432525")
    assert status is not None
    assert (status.state, status.pages, status.code) == (TaskState.DONE, 1, "314")


def test_fields_added_by_the_service_are_covered_by_the_token(
    receiver_url: str, store: CallbackStore
) -> None:
    response = send(receiver_url, signed({**EXAMPLE, "newField": "later", "nonce_str": "abc"}))
    assert response.text == "success"


@pytest.mark.parametrize(
    "body",
    [
        signed(EXAMPLE, key="someone else's key"),
        EXAMPLE,
        {**signed(EXAMPLE), "status": 317},
        {**signed(EXAMPLE), "token": ""},
    ],
    ids=["forged", "unsigned", "tampered", "empty-token"],
)
def test_forged_and_unsigned_callbacks_are_refused_and_logged(
    receiver_url: str, store: CallbackStore, body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="transhub.fanyigou.callbacks"):
        response = send(receiver_url, body)
    assert response.status_code == 403
    assert store.status("19432525") is None
    assert "refused" in caplog.text
    assert TEST_PRIVATE_KEY not in caplog.text


def test_a_replayed_callback_is_refused(
    receiver_url: str, store: CallbackStore, caplog: pytest.LogCaptureFixture
) -> None:
    body = signed(EXAMPLE)
    assert send(receiver_url, body).status_code == 200
    with caplog.at_level("WARNING", logger="transhub.fanyigou.callbacks"):
        assert send(receiver_url, body).status_code == 403
    assert "replay" in caplog.text
    # Remembered across restarts of the receiver.
    fresh = CallbackReceiver(TEST_PRIVATE_KEY, CallbackStore(store.folder))
    with EmulatorServer(fresh) as again:
        assert send(again.url, body).status_code == 403


def test_a_final_state_is_not_replaced_by_a_late_running_one(
    receiver_url: str, store: CallbackStore
) -> None:
    assert send(receiver_url, signed(EXAMPLE)).status_code == 200
    late = signed(
        {**EXAMPLE, "status": 313, "percent": "50.00", "updateTime": "2021-08-25 14:27:40"}
    )
    assert send(receiver_url, late).status_code == 200
    status = store.status("19432525")
    assert status is not None and status.state is TaskState.DONE


def test_bodies_are_limited_and_must_be_json_objects(
    receiver_url: str, store: CallbackStore
) -> None:
    assert send(receiver_url, b"x" * (64 * 1024 + 1)).status_code == 413
    assert send(receiver_url, b"not json").status_code == 400
    assert send(receiver_url, [1, 2]).status_code == 400
    assert requests.get(receiver_url, timeout=10).status_code == 405


def test_a_signed_callback_cannot_write_outside_its_folder(
    receiver_url: str, store: CallbackStore, tmp_path: Path
) -> None:
    response = send(receiver_url, signed({**EXAMPLE, "tid": "../../escape"}))
    assert response.status_code == 400
    assert not list(tmp_path.rglob("escape*"))
    folder = store.folder
    assert not folder.exists() or all(p.parent == folder for p in folder.iterdir())


def test_the_emulator_posts_signed_callbacks_and_status_needs_no_poll(
    options: EmulatorOptions,
    receiver_url: str,
    context: Context,
    samples: Any,
    emulator: FanyigouEmulator,
) -> None:
    options.callback_url = receiver_url
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.text(), target="zh", source="en"))
    (delivery,) = emulator.service.wait_for_deliveries(1, timeout=5)
    assert (delivery.tid, delivery.status, delivery.http_status, delivery.body) == (
        int(task_id),
        314,
        200,
        "success",
    )
    polls = emulator.log.count("queryTransProgress")
    status = documents.status(task_id)
    assert (status.state, status.pages) == (TaskState.DONE, 1)
    assert emulator.log.count("queryTransProgress") == polls


def test_conversion_callbacks_say_type_4(
    options: EmulatorOptions,
    context: Context,
    samples: Any,
    emulator: FanyigouEmulator,
    isolated: Path,
) -> None:
    received: list[dict[str, Any]] = []
    receiver = CallbackReceiver(
        TEST_PRIVATE_KEY, CallbackStore.default(), on_accept=lambda _t, f: received.append(dict(f))
    )
    with EmulatorServer(receiver) as running:
        options.callback_url = running.url
        converter = FanyigouConverter(context)
        task_id = converter.submit(samples.pdf(), ConvertFormat.WORD, None)
        emulator.service.wait_for_deliveries(1, timeout=5)
    assert received[0]["type"] == 4
    assert str(received[0]["tid"]) == task_id
    assert converter.status(task_id).state is TaskState.DONE


def test_a_failure_callback_records_the_failure(
    options: EmulatorOptions,
    receiver_url: str,
    context: Context,
    samples: Any,
    emulator: FanyigouEmulator,
) -> None:
    options.callback_url = receiver_url
    emulator.service.end_next_task_with(317)
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.text(), target="zh"))
    emulator.service.wait_for_deliveries(1, timeout=5)
    status = documents.status(task_id)
    assert (status.state, status.code) == (TaskState.FAILED, "317")
    assert "cancelled" in status.message
