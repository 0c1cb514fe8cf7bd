"""Fanyigou's settings: ``TRANSHUB_FANYIGOU_*`` variables or the ``[fanyigou]`` table."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr, field_validator
from transhub.errors import InputError
from transhub.http import check_endpoint
from transhub.settings import ProviderSettings

#: The service's documented base URL (every call is ``<endpoint>/<call>``).
DEFAULT_ENDPOINT = "https://www.fanyigou.com/TranslateApi/api"


class FanyigouSettings(ProviderSettings):
    """How to reach and use a Fanyigou open-platform application."""

    model_config = ProviderSettings.config_for("fanyigou")
    config_table: ClassVar[str | None] = "fanyigou"
    required: ClassVar[tuple[str, ...]] = ("appid", "private_key")

    appid: str = Field("", description="The application's id (开发者信息 → appid).")
    private_key: SecretStr = Field(
        SecretStr(""), description="The application's private key (used to sign; never sent)."
    )
    endpoint: str = Field(DEFAULT_ENDPOINT, description="Base URL of the open platform API.")
    channels: int = Field(
        1,
        ge=1,
        le=64,
        description="Translation channels of the account (a normal account has one).",
    )
    two_step: bool = Field(
        False,
        description=(
            "Submit every document with detectDocPage then submitForDetectDoc, so the task "
            "id is known before anything is charged and a repeated submit cannot pay twice."
        ),
    )
    callbacks: bool = Field(
        False,
        description=(
            "A callback server (transhub fanyigou callback-server) receives this account's "
            "callbacks: wait for them instead of asking the service for progress."
        ),
    )
    callback_fallback: float = Field(
        300.0,
        gt=0,
        description="With callbacks: still ask the service this often (seconds), in case "
        "a callback is lost.",
    )
    wait_interval: float = Field(
        5.0,
        gt=0,
        description="First wait (seconds) while a channel is occupied or pages are counted.",
    )
    wait_timeout: float = Field(
        3600.0,
        gt=0,
        description="Give up waiting for a free channel or a page count after this (seconds).",
    )

    @field_validator("endpoint")
    @classmethod
    def _endpoint_is_a_url(cls, value: str) -> str:
        # Only the shape is checked here: whether plain http:// is acceptable depends on
        # the core's --insecure, which the client checks when it is built (see connect).
        try:
            return check_endpoint(value, "TRANSHUB_FANYIGOU_ENDPOINT", insecure=True)
        except InputError as exc:
            raise ValueError(exc.message) from None
