"""The DeepL plugin's settings.

Each value comes from, highest first: options given to transhub (``-c deepl.auth_key=…``
or keyword arguments), ``TRANSHUB_DEEPL_*`` variables, the ``[deepl]`` table of the
config file, then DeepL's own conventional ``DEEPL_AUTH_KEY`` (set machine-wide for
other tools, so transhub's own settings win), then defaults.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr, field_validator
from transhub.errors import InputError
from transhub.http import check_endpoint
from transhub.settings import ProviderSettings

NAME = "deepl"
ENV_PREFIX = "TRANSHUB_DEEPL_"
#: DeepL's own variable, read last.
STANDARD_ENV = "DEEPL_AUTH_KEY"

PRO_ENDPOINT = "https://api.deepl.com"
FREE_ENDPOINT = "https://api-free.deepl.com"
#: Keys of the Free plan end in this suffix (and only work on the free endpoint).
FREE_KEY_SUFFIX = ":fx"


class DeepLSettings(ProviderSettings):
    """The DeepL API key and endpoint.  The key is a ``SecretStr``: masked, never logged."""

    model_config = ProviderSettings.config_for(NAME)
    config_table: ClassVar[str | None] = NAME
    required: ClassVar[tuple[str, ...]] = ("auth_key",)
    standard_env: ClassVar[dict[str, str]] = {"auth_key": STANDARD_ENV}

    auth_key: SecretStr = Field(
        SecretStr(""),
        description="The DeepL API authentication key (else DEEPL_AUTH_KEY); "
        "a key ending in :fx belongs to the Free plan.",
    )
    endpoint: str | None = Field(
        None,
        description="Base URL overriding the plan's endpoint (api-free.deepl.com for :fx "
        "keys, else api.deepl.com); plain http:// only on loopback, for the emulator.",
    )

    @field_validator("endpoint")
    @classmethod
    def _endpoint_is_a_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        # Only the shape here: whether plain http:// is acceptable depends on --insecure,
        # checked when the client is built.
        try:
            return check_endpoint(value, f"{ENV_PREFIX}ENDPOINT", insecure=True)
        except InputError as exc:
            raise ValueError(exc.message) from None

    def key(self) -> str:
        """The authentication key (empty when unset), stripped of stray whitespace."""
        return self.auth_key.get_secret_value().strip()

    @property
    def free(self) -> bool:
        """Whether the key belongs to the Free plan."""
        return self.key().endswith(FREE_KEY_SUFFIX)

    def base_url(self, *, insecure: bool = False) -> str:
        """The endpoint to call: the override, else the plan's."""
        if self.endpoint:
            return check_endpoint(self.endpoint, f"{ENV_PREFIX}ENDPOINT", insecure=insecure)
        return FREE_ENDPOINT if self.free else PRO_ENDPOINT
