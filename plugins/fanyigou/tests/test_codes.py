"""Every status code of the reference maps to a state or a typed error."""

from __future__ import annotations

import pytest
from transhub.capabilities.base import TaskState
from transhub.errors import (
    AuthenticationError,
    InputError,
    LimitExceededError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitError,
    ResultExpiredError,
    TranshubError,
    TransientError,
)

from transhub_fanyigou import codes

SYSTEM = range(100, 112)
# The reference skips 308 and 319.
DOCUMENT = [c for c in range(300, 331) if c not in (308, 319)]


def test_every_code_of_the_reference_is_in_the_table_with_an_english_meaning() -> None:
    assert set(codes.STATUSES) == set(SYSTEM) | set(DOCUMENT)
    for status in codes.STATUSES.values():
        assert status.meaning and status.meaning.isascii()
        assert status.chinese
        assert status.state is not None or status.error is not None


@pytest.mark.parametrize("code", [*SYSTEM, *DOCUMENT])
def test_an_answer_code_is_success_or_a_typed_error_keeping_code_and_message(code: int) -> None:
    if code == 100:
        assert codes.outcome(code, call="getAccount") is TaskState.DONE
        return
    with pytest.raises(TranshubError) as caught:
        codes.outcome(code, "服务说的话", call="uploadTranslate")
    error = caught.value
    assert error.code == code
    assert error.provider == "fanyigou"
    assert error.provider_message == "服务说的话"
    assert codes.describe(code) in str(error)
    assert "服务说的话" in str(error)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (101, AuthenticationError),
        (103, AuthenticationError),
        (105, TransientError),
        (108, RateLimitError),
        (302, InputError),
        (304, QuotaError),
        (311, LimitExceededError),
        (312, NotFoundError),
        (320, codes.ChannelOccupiedError),
        (326, ProviderError),
    ],
)
def test_answer_codes_raise_the_right_class(code: int, error: type[TranshubError]) -> None:
    with pytest.raises(error):
        codes.outcome(code, call="uploadTranslate")


def test_rate_and_channel_refusals_are_safe_to_retry_and_balance_says_so() -> None:
    assert codes.error_for(108, call="trans").retryable
    assert codes.error_for(320, call="uploadTranslate").retryable
    quota = codes.error_for(304, "可用积分不足", call="uploadTranslate")
    assert isinstance(quota, QuotaError)
    assert "insufficient balance" in str(quota)
    assert "top up" in str(quota)


def test_a_missing_result_on_download_is_expired_elsewhere_not_found() -> None:
    assert isinstance(codes.error_for(312, call="downloadFile"), ResultExpiredError)
    assert isinstance(codes.error_for(312, call="image/downloadImage"), ResultExpiredError)
    assert type(codes.error_for(312, call="queryTransProgress")) is NotFoundError


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (313, TaskState.RUNNING),
        (315, TaskState.RUNNING),
        (310, TaskState.RUNNING),
        (325, TaskState.RUNNING),
        (314, TaskState.DONE),
        (330, TaskState.DONE),
        (0, TaskState.DONE),
        (305, TaskState.FAILED),
        (316, TaskState.FAILED),
        (317, TaskState.FAILED),
        (321, TaskState.FAILED),
        (329, TaskState.FAILED),
    ],
)
def test_task_statuses_are_states(status: int, state: TaskState) -> None:
    assert codes.outcome(status, call="queryTransProgress", task=True) is state


def test_a_task_status_that_is_no_state_raises() -> None:
    with pytest.raises(NotFoundError):
        codes.outcome(312, call="queryTransProgress", task=True)
    with pytest.raises(AuthenticationError):
        codes.outcome(101, call="queryTransProgress", task=True)


def test_an_unknown_code_is_a_provider_error_naming_it() -> None:
    with pytest.raises(ProviderError, match="unknown code 999"):
        codes.outcome(999, call="trans")
    assert codes.outcome(0, call="trans") is TaskState.DONE


def test_only_balance_rate_and_busy_channels_are_refused_before_payment() -> None:
    # What --fallback may move to another provider (transhub.jobs.fallback).
    refused = {
        code
        for code, status in codes.STATUSES.items()
        if status.error is not None and codes.error_for(code, call="uploadTranslate").refused
    }
    assert refused == {108, 304, 320}
