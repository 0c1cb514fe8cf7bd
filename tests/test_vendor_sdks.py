"""The vendors' own Python SDKs talk to `transhub sandbox serve` unchanged.

Fanyigou's SDK hard-codes https://, so the sandbox serves TLS with a throw-away CA
whose bundle it exports; Alibaba's SDK is pointed at the emulator as an endpoint.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from transhub.testing.processes import read_exports, spawn, wait_until


@pytest.fixture
def served(monkeypatch) -> Iterator[dict[str, str]]:
    """`transhub sandbox serve --tls` in its own process; its exports applied here."""
    process = spawn(
        "sandbox",
        "serve",
        "--tls",
        "--duration",
        "0",
        env={**os.environ, "TRANSHUB_PLUGINS": "fanyigou,alibaba"},
    )
    try:
        wanted = ("TRANSHUB_FANYIGOU_ENDPOINT", "TRANSHUB_ALIBABA_SECURITY_TOKEN")
        exports = read_exports(process, *wanted)
        for key, value in exports.items():
            monkeypatch.setenv(key, value)
        yield exports
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_fanyigou_sdk_translates_a_document_over_tls(served, tmp_path):
    document_translation = pytest.importorskip("TranslateApi.document_translation")
    account = pytest.importorskip("TranslateApi.account")
    endpoint = urlsplit(served["TRANSHUB_FANYIGOU_ENDPOINT"])
    assert endpoint.scheme == "https"
    ip, appid, key = (
        endpoint.netloc,
        served["TRANSHUB_FANYIGOU_APPID"],
        served["TRANSHUB_FANYIGOU_PRIVATE_KEY"],
    )
    source = tmp_path / "hello.txt"
    source.write_text("hello\nworld\n", encoding="utf-8")
    answer = document_translation.uploadTranslate(
        ip, appid, key, "en", "zh", str(source), source.name
    ).json()
    assert answer["code"] == 100, answer
    tid = answer["data"]["tid"]

    def done() -> bool:
        progress = document_translation.queryTransProgress(ip, appid, key, tid).json()
        return progress["data"]["status"] == 314

    wait_until(done, "the emulated translation", timeout=30, interval=0.05)
    result = document_translation.downloadFile(ip, appid, key, tid, 3)  # the SDK returns the bytes
    assert result.decode("utf-8").startswith("[zh] hello")
    balance = account.getAccount(ip, appid, key, type=1).json()
    assert balance["code"] == 100


def test_alibaba_sdk_translates_an_image_batch(served):
    pytest.importorskip("alibabacloud_alimt20181012")
    from alibabacloud_alimt20181012 import models
    from alibabacloud_alimt20181012.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    endpoint = urlsplit(served["TRANSHUB_ALIBABA_ENDPOINT"])
    config = open_api_models.Config(
        access_key_id=served["TRANSHUB_ALIBABA_ACCESS_KEY_ID"],
        access_key_secret=served["TRANSHUB_ALIBABA_ACCESS_KEY_SECRET"],
        endpoint=endpoint.netloc,
        protocol=endpoint.scheme,
    )
    client = Client(config)
    submitted = client.translate_image_batch(
        models.TranslateImageBatchRequest(
            image_urls="https://img.example/1.jpg,https://img.example/2.jpg",
            source_language="zh",
            target_language="en",
            custom_task_id="sdk-test-1",
        )
    )
    task_id = submitted.body.data.task_id
    assert task_id
    results = {}

    def done() -> bool:
        answer = client.get_translate_image_batch_result(
            models.GetTranslateImageBatchResultRequest(task_id=task_id)
        )
        results["data"] = answer.body.data
        return answer.body.data.status == "finished"

    wait_until(done, "the emulated image batch", timeout=30, interval=0.05)
    assert [r.source_image_url for r in results["data"].result] == [
        "https://img.example/1.jpg",
        "https://img.example/2.jpg",
    ]
    assert all(r.success for r in results["data"].result)
