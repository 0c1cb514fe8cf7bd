"""Every status DeepL documents, as the typed error and exit code transhub gives it;
the retry policy (429 and 529 retried honouring Retry-After, a paid upload never
retried after it may have been processed), counted at the emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import transhub
from transhub.capabilities.document import DocumentRequest
from transhub.emulation import Fault
from transhub.errors import (
    EXIT_CODES,
    AuthenticationError,
    LimitExceededError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitError,
    TransientError,
)
from transhub.retrying import RETRY_AFTER_JITTER

from transhub_deepl import codes

EXPECTED = {
    400: (ProviderError, "provider"),
    403: (AuthenticationError, "authentication"),
    404: (NotFoundError, "not-found"),
    413: (LimitExceededError, "input"),
    414: (LimitExceededError, "input"),
    429: (RateLimitError, "rate-limit"),
    456: (QuotaError, "quota"),
    500: (TransientError, "transient"),
    503: (TransientError, "transient"),
    504: (TransientError, "transient"),
    529: (RateLimitError, "rate-limit"),
}


def test_every_documented_status_is_mapped() -> None:
    assert set(EXPECTED) <= set(codes.STATUSES)
    for status, (error, kind) in EXPECTED.items():
        assert codes.STATUSES[status].error is error, status
        assert error.kind == kind


@pytest.mark.parametrize("status", sorted(EXPECTED))
def test_status_through_the_cli(
    status: int, service: Any, transhub_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSHUB_RETRIES", "0")
    service.emulator.refuse_next(status, "translate", times=10)
    result = transhub_cli("text", "Hello", "--to", "de")
    _error, kind = EXPECTED[status]
    assert result.exit_code == EXIT_CODES[kind], result.stderr
    assert f"HTTP {status}" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if status == 456:
        assert "quota" in result.stderr and "transhub account --provider deepl" in result.stderr


def test_429_and_529_are_retried_honouring_retry_after(service: Any) -> None:
    hub = transhub.Hub()
    translator = hub.instance(hub.route(transhub.capabilities.Capability.TEXT))
    delays: list[float] = []
    translator.context.http.sleep = delays.append
    service.app.faults.queue(Fault.THROTTLE, action="translate")  # Retry-After: 0.25
    service.emulator.refuse_next(529, "translate")
    assert translator.translate("again", "de", None).text == "[DE] again"
    # The server's delay, never shorter, with at most the core's jitter on top.
    assert 0.25 <= delays[0] <= 0.25 * RETRY_AFTER_JITTER
    assert len(delays) == 2
    assert service.count("translate") == 2  # the 529 refusal and the success


def test_a_paid_upload_is_never_retried_after_it_may_have_been_processed(
    service: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("one\n", encoding="utf-8")
    hub = transhub.Hub()
    translator = hub.instance(hub.prepare_document(notes, "de").implementation)
    translator.context.http.sleep = lambda _s: None
    service.app.faults.queue(Fault.DROP_AFTER, action="document.upload")
    with pytest.raises(TransientError) as dropped:
        translator.submit(DocumentRequest(path=notes, target="de"))
    assert not dropped.value.retryable
    assert service.count("document.upload") == 1  # processed once, not resent
    service.emulator.refuse_next(500, "document.upload")
    with pytest.raises(TransientError, match="may have been processed") as failed:
        translator.submit(DocumentRequest(path=notes, target="de"))
    assert not failed.value.retryable
    assert service.count("document.upload") == 2
    # Refused before processing (429): resent, and paid once.
    service.app.faults.queue(Fault.THROTTLE, action="document.upload")
    translator.submit(DocumentRequest(path=notes, target="de"))
    assert service.count("document.upload") == 3
    assert len(service.emulator.documents) == 2


def test_reads_are_retried_after_server_errors(service: Any) -> None:
    hub = transhub.Hub()
    account = hub.instance(hub.route(transhub.capabilities.Capability.ACCOUNT))
    account.context.http.sleep = lambda _s: None
    service.emulator.refuse_next(503, "usage", times=2)
    assert account.balance("text").balance == 500_000
    assert service.count("usage") == 3


def test_refused_key_names_the_settings(
    service: Any, transhub_cli: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSHUB_DEEPL_AUTH_KEY", "wrong-key:fx")
    result = transhub_cli("text", "Hello", "--to", "de")
    assert result.exit_code == EXIT_CODES["authentication"]
    assert "TRANSHUB_DEEPL_AUTH_KEY" in result.stderr and "wrong-key" not in result.stderr


def test_settings_endpoints_and_the_standard_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from transhub_deepl.settings import DeepLSettings

    monkeypatch.setenv("DEEPL_AUTH_KEY", "abc:fx")
    assert DeepLSettings().base_url() == "https://api-free.deepl.com"
    monkeypatch.setenv("TRANSHUB_DEEPL_AUTH_KEY", "pro-key")
    settings = DeepLSettings()
    assert settings.base_url() == "https://api.deepl.com"  # transhub's own variable wins
    assert "pro-key" not in repr(settings) and "pro-key" not in str(settings.public_dict())
    monkeypatch.delenv("TRANSHUB_DEEPL_AUTH_KEY")
    monkeypatch.delenv("DEEPL_AUTH_KEY")
    assert DeepLSettings().missing() == ["TRANSHUB_DEEPL_AUTH_KEY (or DEEPL_AUTH_KEY)"]


@pytest.mark.parametrize("status", sorted(EXPECTED))
def test_only_quota_and_throttling_are_refused_before_payment(
    status: int, service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What --fallback may move to another provider (transhub.jobs.fallback): DeepL
    # turned the request away unprocessed for its account or its load — nothing else.
    monkeypatch.setenv("TRANSHUB_RETRIES", "0")
    service.emulator.refuse_next(status, "translate", times=10)
    with pytest.raises(transhub.errors.TranshubError) as raised:
        transhub.Hub().translate_text("Hello", "de")
    assert raised.value.refused is (status in (429, 456, 529)), status
