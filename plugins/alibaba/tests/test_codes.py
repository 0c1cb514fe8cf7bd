"""Every documented code maps to the right typed error, with a useful hint."""

from __future__ import annotations

import pytest
from transhub.errors import (
    AuthenticationError,
    LimitExceededError,
    ProviderError,
    QuotaError,
    RateLimitError,
    TranshubError,
    TransientError,
    UnsupportedLanguageError,
)

from transhub_alibaba import codes


@pytest.mark.parametrize(
    ("code", "error", "name"),
    [
        (101, TransientError, "System.RequestTimeOut"),
        (102, TransientError, "System.Error"),
        (103, ProviderError, "System.UrlDecodingError"),
        (104, ProviderError, "System.ParameterError"),
        (105, UnsupportedLanguageError, "System.LanguageNotSupported"),
        (106, ProviderError, "System.LanguageDetectError"),
        (107, ProviderError, "System.TranslateError"),
        (108, LimitExceededError, "System.StringTooLong"),
        (110, AuthenticationError, "System.AccountNotActivated"),
        (111, AuthenticationError, "System.SubServiceFailed"),
        (112, TransientError, "System.TranslateServiceCallFailed"),
        (113, QuotaError, "System.AccountNotActivatedOrInArrears"),
    ],
)
def test_business_codes(code: int, error: type[TranshubError], name: str) -> None:
    for given in (code, str(code)):
        mapped = codes.error_for(given, "the message", http_status=200, request_id="R1")
        assert type(mapped) is error
        assert name in str(mapped)
        assert mapped.code == code
        assert mapped.request_id == "R1"
        assert mapped.provider == "alibaba"
    assert codes.business_name(code) == name


def test_every_documented_business_code_is_mapped() -> None:
    assert set(codes.BUSINESS) == {101, 102, 103, 104, 105, 106, 107, 108, 110, 111, 112, 113}


def test_server_side_failures_are_retryable_only_when_repeatable() -> None:
    assert codes.error_for(102, repeatable=True).retryable
    assert not codes.error_for(102, repeatable=False).retryable
    assert not codes.error_for(104).retryable


@pytest.mark.parametrize(
    ("code", "status", "setting"),
    [
        ("SignatureDoesNotMatch", 400, "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET"),
        ("IncompleteSignature", 400, "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET"),
        ("InvalidAccessKeyId.NotFound", 404, "TRANSHUB_ALIBABA_ACCESS_KEY_ID"),
        ("InvalidAccessKeyId.Inactive", 400, "TRANSHUB_ALIBABA_ACCESS_KEY_ID"),
        ("InvalidSecurityToken.Expired", 400, "TRANSHUB_ALIBABA_SECURITY_TOKEN"),
        ("Forbidden.RAM", 403, "TRANSHUB_ALIBABA_ACCESS_KEY_ID"),
        ("NoPermission", 403, "TRANSHUB_ALIBABA_ACCESS_KEY_ID"),
    ],
)
def test_authentication_errors_name_the_setting(code: str, status: int, setting: str) -> None:
    error = codes.error_for(code, "refused", http_status=status)
    assert isinstance(error, AuthenticationError)
    assert setting in str(error)
    assert not error.retryable


def test_authentication_hint_uses_where_the_setting_came_from() -> None:
    error = codes.error_for(
        "SignatureDoesNotMatch",
        http_status=400,
        where=lambda name: f"ALIBABA_CLOUD_{name.upper()}",
    )
    assert "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in str(error)


def test_clock_skew_says_so() -> None:
    error = codes.error_for("InvalidTimeStamp.Expired", http_status=400)
    assert isinstance(error, AuthenticationError)
    assert "clock" in str(error)


@pytest.mark.parametrize("code", ["Throttling.User", "Throttling.Api", "Throttling"])
def test_throttling_is_a_rate_limit_with_retry_after(code: str) -> None:
    error = codes.error_for(code, http_status=400, retry_after=2.5)
    assert isinstance(error, RateLimitError)
    assert error.retryable
    assert error.retry_after == 2.5


def test_nonce_reuse_is_safe_to_retry_even_for_a_non_repeatable_call() -> None:
    error = codes.error_for("SignatureNonceUsed", http_status=400, repeatable=False)
    assert isinstance(error, TransientError)
    assert error.retryable


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("ServiceUnavailable", 503, TransientError),
        ("InternalError", 500, TransientError),
        ("InvalidAction.NotFound", 404, ProviderError),
        ("Something.New", 401, AuthenticationError),
        ("Something.New", 429, RateLimitError),
        ("Something.New", 502, TransientError),
        ("Something.New", 400, ProviderError),
        (None, 500, TransientError),
        (999, 200, ProviderError),
    ],
)
def test_other_codes_fall_back_on_the_http_status(
    code: str | int | None, status: int, error: type[TranshubError]
) -> None:
    assert type(codes.error_for(code, http_status=status)) is error


def test_endpoint_errors_point_at_the_endpoint_setting() -> None:
    error = codes.error_for("InvalidAction.NotFound", http_status=404)
    assert "TRANSHUB_ALIBABA_ENDPOINT" in str(error)


def test_only_arrears_and_throttling_are_refused_before_payment() -> None:
    # What --fallback may move to another provider (transhub.jobs.fallback).
    refused = {c for c in codes.BUSINESS if codes.error_for(c).refused}
    assert refused == {113}
    assert codes.error_for("Throttling.User", http_status=400).refused
    assert codes.error_for(None, http_status=429).refused
    for code in ("InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch", "InternalError"):
        assert not codes.error_for(code, http_status=400).refused, code
