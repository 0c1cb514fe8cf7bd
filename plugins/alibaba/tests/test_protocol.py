"""The client against the emulator over real HTTP on loopback: submit, poll, download,
and every failure the issue names (dropped connections, expiry, unknown tasks, wrong
credentials, throttling, proxy pages)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from transhub.capabilities.tasks import TaskTimes
from transhub.emulation import Fault
from transhub.errors import (
    AuthenticationError,
    NotFoundError,
    ProviderError,
    RateLimitError,
    ResponseFormatError,
    ResultExpiredError,
    TransientError,
    UnsupportedLanguageError,
)

from transhub_alibaba import signing
from transhub_alibaba.client import POLL, SUBMIT, AlibabaClient, custom_task_id
from transhub_alibaba.sandbox import TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET

URLS = [f"https://img.example.com/shop/{n}.jpg" for n in range(3)]
WRONG_SECRET = "wrong-secret-5f2a9c"

Client = Callable[..., AlibabaClient]


def submit(client: AlibabaClient, urls: list[str] = URLS, **kwargs: Any) -> str:
    return client.submit(urls, source="zh", target="en", **kwargs)


def test_submit_poll_download(service: Any, make_client: Client, tmp_path: Path) -> None:
    client = make_client()
    task_id = submit(client)
    batch = client.result(task_id)
    assert batch.status == "finished"
    assert [r.source_url for r in batch.results] == URLS
    assert all(r.success and r.code == "200" for r in batch.results)
    saved = client.download(batch.results[1].final_url or "", tmp_path / "one.png")
    assert saved.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    expected = service.emulator.result_bytes(task_id, 1)
    assert saved.sha256 == hashlib.sha256(expected).hexdigest()
    submitted = service.app.log.records(SUBMIT)[0].fields
    assert submitted["ImageUrls"] == ",".join(URLS)
    assert submitted["CustomTaskId"] == custom_task_id(URLS, "zh", "en", "general", {})
    assert "Signature" not in submitted


def test_states_go_created_running_finished(service: Any, make_client: Client) -> None:
    service.options.task_seconds = 30.0
    client = make_client()
    task_id = submit(client)
    seen = [client.result(task_id).status]
    service.clock.advance(15)
    seen.append(client.result(task_id).status)
    service.clock.advance(15)
    seen.append(client.result(task_id).status)
    assert seen == ["created", "running", "finished"]


def test_one_failing_image_among_successes(service: Any, make_client: Client) -> None:
    service.emulator.fail_url(URLS[1])
    batch = make_client().result(submit(make_client()))
    assert [r.success for r in batch.results] == [True, False, True]
    failed = batch.results[1]
    assert (failed.code, failed.final_url) == ("107", None)
    assert "translating" in failed.message


def test_a_submit_retried_after_a_dropped_connection_creates_one_task(
    service: Any, make_client: Client, sleeps: Any
) -> None:
    service.app.faults.queue(Fault.DROP_AFTER, action=SUBMIT)
    client = make_client()
    task_id = submit(client)
    submits = service.app.log.records(SUBMIT)
    # The service processed both attempts, but the CustomTaskId made them one task.
    assert len(submits) == 2
    assert submits[0].fields["CustomTaskId"] == submits[1].fields["CustomTaskId"]
    assert service.emulator.task_count() == 1
    assert task_id in service.emulator.tasks
    assert len(sleeps.delays) == 1
    assert service.app.faults.pending() == 0


def test_the_same_content_within_three_minutes_is_one_task(
    service: Any, make_client: Client
) -> None:
    client = make_client()
    first = submit(client)
    assert submit(client) == first
    service.clock.advance(181)
    assert submit(client) != first
    assert service.emulator.task_count() == 2


def test_other_options_are_another_task(service: Any, make_client: Client) -> None:
    client = make_client()
    first = submit(client)
    assert submit(client, field="e-commerce") != first
    assert submit(client, ext={"needEditorData": "true"}) != first
    assert service.emulator.task_count() == 3


def test_an_expired_result_says_so(service: Any, make_client: Client) -> None:
    client = make_client()
    task_id = submit(client)
    assert client.result(task_id).status == "finished"
    known = TaskTimes(finished_at=service.clock())
    service.clock.advance(3601)
    with pytest.raises(ResultExpiredError) as caught:
        client.result(task_id, known)
    message = str(caught.value)
    assert "expired" in message
    assert "1 hour" in message
    assert task_id in message


def test_an_unknown_task_is_not_found(service: Any, make_client: Client) -> None:
    with pytest.raises(NotFoundError, match="unknown"):
        make_client().result("EEA28E6D-4828-5031-BD8C-8FF1B3216842")


def test_invalid_for_a_task_known_finished_is_expiry_else_unknown(
    service: Any, make_client: Client
) -> None:
    client = make_client()
    task_id = submit(client)
    assert client.result(task_id).status == "finished"
    seen_finished = service.clock()
    service.clock.advance(3601)
    # Nothing known of the task (the core's task memory is empty): unknown ...
    with pytest.raises(NotFoundError):
        client.result(task_id)
    # ... known finished (as the runner, or the journal after a restart, tells): expired.
    with pytest.raises(ResultExpiredError, match="it finished by"):
        client.result(task_id, TaskTimes(finished_at=seen_finished))


def test_a_task_submitted_over_an_hour_ago_has_most_likely_expired(
    service: Any, make_client: Client
) -> None:
    task_id = submit(make_client())
    service.clock.advance(3601)
    client = make_client(clock=service.clock)
    with pytest.raises(ResultExpiredError, match="most likely"):
        client.result(task_id, TaskTimes(submitted_at=service.clock() - 3601))


def test_a_result_file_gone_is_expired(service: Any, make_client: Client, tmp_path: Path) -> None:
    client = make_client()
    batch = client.result(submit(client))
    service.clock.advance(3601)
    with pytest.raises(ResultExpiredError, match="no longer available"):
        client.download(batch.results[0].final_url or "", tmp_path / "late.png")
    assert not (tmp_path / "late.png").exists()


def test_wrong_secret_names_the_setting(
    service: Any, make_client: Client, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_SECRET", WRONG_SECRET)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as caught:
        submit(make_client())
    error = caught.value
    assert error.code == "SignatureDoesNotMatch"
    assert "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET" in str(error)
    assert WRONG_SECRET not in str(error) + repr(error.to_dict()) + caplog.text
    assert service.emulator.task_count() == 0


def test_wrong_standard_secret_names_the_standard_variable(
    service: Any, make_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSHUB_ALIBABA_ACCESS_KEY_SECRET")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", WRONG_SECRET)
    with pytest.raises(AuthenticationError, match="ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
        submit(make_client())


def test_unknown_key_names_the_key_setting(
    service: Any, make_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_ID", "LTAIunknown")
    with pytest.raises(AuthenticationError) as caught:
        submit(make_client())
    assert caught.value.code == "InvalidAccessKeyId.NotFound"
    assert "TRANSHUB_ALIBABA_ACCESS_KEY_ID" in str(caught.value)


def test_throttling_backs_off_as_told_and_retries(
    service: Any, make_client: Client, sleeps: Any
) -> None:
    service.app.faults.queue(Fault.THROTTLE, action=SUBMIT, times=2)
    task_id = submit(make_client())
    # The emulator's x-acs-retry-after (250 ms), plus at most a quarter of jitter.
    assert len(sleeps.delays) == 2
    assert all(0.25 <= delay <= 0.25 * 1.25 for delay in sleeps.delays)
    assert service.emulator.task_count() == 1
    assert task_id in service.emulator.tasks


def test_throttling_that_does_not_stop_is_a_rate_limit_error(
    service: Any, make_client: Client, sleeps: Any
) -> None:
    service.app.faults.queue(Fault.THROTTLE, action=POLL, times=10)
    client = make_client()
    task_id = submit(client)
    with pytest.raises(RateLimitError) as caught:
        client.result(task_id)
    assert caught.value.retry_after == 0.25
    assert len(sleeps.delays) == 3  # the client's retry limit


def test_a_proxy_error_page_is_a_transient_error(
    service: Any, make_client: Client, sleeps: Any
) -> None:
    service.app.faults.queue(Fault.ERROR, action=POLL, times=10)
    client = make_client()
    task_id = submit(client)
    with pytest.raises(TransientError, match="HTTP 502"):
        client.result(task_id)
    assert len(sleeps.delays) == 3


def test_a_proxy_error_page_once_is_retried(service: Any, make_client: Client) -> None:
    service.app.faults.queue(Fault.ERROR, action=POLL)
    client = make_client()
    assert client.result(submit(client)).status == "finished"


@pytest.mark.parametrize("fault", [Fault.HTML, Fault.MALFORMED])
def test_html_or_malformed_answers_are_typed_errors(
    service: Any, make_client: Client, fault: Fault
) -> None:
    client = make_client()
    task_id = submit(client)
    service.app.faults.queue(fault, action=POLL)
    with pytest.raises((ResponseFormatError, TransientError)) as caught:
        client.result(task_id)
    assert caught.value.provider == "alibaba"


def test_the_service_refuses_more_than_20_urls(service: Any, make_client: Client) -> None:
    urls = [f"https://img.example.com/{n}.jpg" for n in range(21)]
    with pytest.raises(ProviderError) as caught:
        submit(make_client(), urls)
    assert caught.value.code == 104
    assert service.emulator.task_count() == 0


def test_an_unsupported_pair_is_code_105(service: Any, make_client: Client) -> None:
    with pytest.raises(UnsupportedLanguageError) as caught:
        make_client().submit(URLS, source="ja", target="fr")
    assert caught.value.code == 105


def test_repeated_urls_in_one_request_are_processed_once(service: Any, make_client: Client) -> None:
    client = make_client()
    batch = client.result(submit(client, [URLS[0], URLS[1], URLS[0]]))
    assert [r.source_url for r in batch.results] == URLS[:2]


def test_editor_data_with_template_urls(service: Any, make_client: Client, tmp_path: Path) -> None:
    service.options.template_inline = False
    client = make_client()
    batch = client.result(submit(client, ext={"needEditorData": "true"}))
    entry = batch.results[0]
    assert entry.inpainting_url and entry.template
    template = client.download(entry.template, tmp_path / "t.json").path
    assert json.loads(template.read_text())["emulator"] is True
    background = client.download(entry.inpainting_url, tmp_path / "bg.png").path
    assert background.read_bytes().startswith(b"\x89PNG")


def test_result_images_say_they_are_emulator_output(service: Any, make_client: Client) -> None:
    from PIL import Image

    client = make_client()
    task_id = submit(client)
    data = service.emulator.result_bytes(task_id, 0)
    assert data == service.emulator.result_bytes(task_id, 0)
    import io

    with Image.open(io.BytesIO(data)) as image:
        assert image.info["Comment"] == "emulator output, not a translation"
        assert image.info["Source"] == URLS[0]


# --- the emulator's signature checks, with hand-made requests -----------------------


def signed_post(url: str, params: dict[str, str], **overrides: Any) -> requests.Response:
    body = signing.encode_form(params).encode("ascii")
    host = url.split("://", 1)[1]
    headers = signing.sign_request_v3(
        access_key_id=overrides.get("key", TEST_ACCESS_KEY_ID),
        secret=TEST_ACCESS_KEY_SECRET,
        host=host,
        action=overrides.get("action", SUBMIT),
        version="2018-10-12",
        body=body,
        date=overrides.get("date", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
        nonce=overrides.get("nonce", f"nonce-{time.monotonic_ns()}"),
    )
    return requests.post(url + "/", data=body, headers=headers, timeout=10)


def test_emulator_refuses_a_reused_nonce(service: Any) -> None:
    params = {"TaskId": "X"}
    first = signed_post(service.url, params, action=POLL, nonce="same-nonce")
    again = signed_post(service.url, params, action=POLL, nonce="same-nonce")
    assert first.status_code == 200
    assert (again.status_code, again.json()["Code"]) == (400, "SignatureNonceUsed")


def test_emulator_refuses_a_stale_date(service: Any) -> None:
    answer = signed_post(service.url, {"TaskId": "X"}, action=POLL, date="2020-01-01T00:00:00Z")
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidTimeStamp.Expired")


def test_emulator_requires_the_parameters(service: Any) -> None:
    answer = signed_post(service.url, {"ImageUrls": URLS[0], "SourceLanguage": "zh"})
    assert answer.status_code == 200
    assert answer.json()["Code"] == 104


def test_emulator_refuses_unsigned_requests(service: Any) -> None:
    answer = requests.post(service.url + "/", data={"Action": SUBMIT}, timeout=10)
    assert (answer.status_code, answer.json()["Code"]) == (400, "IncompleteSignature")


def v2_params(**extra: str) -> dict[str, str]:
    params = {
        "Action": SUBMIT,
        "Version": "2018-10-12",
        "Format": "JSON",
        "AccessKeyId": TEST_ACCESS_KEY_ID,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": f"v2-{time.monotonic_ns()}",
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "ImageUrls": ",".join(URLS),
        "SourceLanguage": "zh",
        "TargetLanguage": "en",
        **extra,
    }
    params["Signature"] = signing.signature_v2(TEST_ACCESS_KEY_SECRET, "POST", params)
    return params


def test_emulator_accepts_v2_signatures(service: Any) -> None:
    answer = requests.post(service.url + "/", data=v2_params(), timeout=10)
    assert answer.status_code == 200
    task_id = answer.json()["Data"]["TaskId"]
    assert service.emulator.status_of(task_id) == "finished"
    logged = service.app.log.records(SUBMIT)[0].fields
    assert "Signature" not in logged
    assert "AccessKeyId" not in logged


def test_emulator_refuses_a_wrong_v2_signature(service: Any) -> None:
    params = v2_params()
    params["Signature"] = signing.signature_v2("not-the-secret", "POST", params)
    answer = requests.post(service.url + "/", data=params, timeout=10)
    assert (answer.status_code, answer.json()["Code"]) == (400, "SignatureDoesNotMatch")


def test_emulator_accepts_v2_signed_get_queries(service: Any) -> None:
    params = v2_params()
    params["Signature"] = signing.signature_v2(
        TEST_ACCESS_KEY_SECRET, "GET", {k: v for k, v in params.items() if k != "Signature"}
    )
    answer = requests.get(service.url + "/", params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    assert service.emulator.task_count() == 1
