"""The Alibaba plugin's settings.

Each value comes from, highest first:

1. options given to transhub (``-c access_key_id=…``, or keyword arguments);
2. transhub's own environment variables ``TRANSHUB_ALIBABA_*``;
3. the ``[alibaba]`` table of transhub's config file;
4. Alibaba Cloud's standard variables ``ALIBABA_CLOUD_ACCESS_KEY_ID``,
   ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` and ``ALIBABA_CLOUD_SECURITY_TOKEN``;
5. defaults.

The standard variables come last on purpose: they are often set machine-wide for
other tools, while transhub's own settings (environment *and* config table) were set
for transhub, so they win.  That is why this is a separate settings source rather
than extra aliases on the environment source, which would rank them above the
config file.
"""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar

from pydantic import Field, PrivateAttr, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from transhub.errors import ConfigurationError
from transhub.http import check_endpoint
from transhub.settings import ProviderSettings, read_config

NAME = "alibaba"
ENV_PREFIX = "TRANSHUB_ALIBABA_"

#: Alibaba Cloud's conventional variables, by the setting they supply.
STANDARD_ENV: dict[str, str] = {
    "access_key_id": "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "access_key_secret": "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "security_token": "ALIBABA_CLOUD_SECURITY_TOKEN",
}

DEFAULT_REGION = "cn-hangzhou"
#: Image tasks in flight at once unless set (docs/providers/alibaba.md says why).
DEFAULT_CONCURRENT_TASKS = 4

#: Regions with their own Machine Translation endpoint; the others share the central one.
REGION_ENDPOINTS: dict[str, str] = {
    "cn-hangzhou": "https://mt.cn-hangzhou.aliyuncs.com",
    "ap-southeast-1": "https://mt.ap-southeast-1.aliyuncs.com",
}
CENTRAL_ENDPOINT = "https://mt.aliyuncs.com"

_REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)+$")


class _StandardEnvSource(PydanticBaseSettingsSource):
    """Reads the ``ALIBABA_CLOUD_*`` variables (an empty one counts as unset)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        variable = STANDARD_ENV.get(field_name)
        value = os.environ.get(variable) if variable else None
        return (value or None), field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, variable in STANDARD_ENV.items():
            value = os.environ.get(variable)
            if value:
                values[name] = value
        return values


class AlibabaSettings(ProviderSettings):
    """Credentials and endpoint of Alibaba Cloud Machine Translation.

    Secrets are ``SecretStr``: shown masked, never logged.  An empty security token
    counts as none (the sandbox sets ``TRANSHUB_ALIBABA_SECURITY_TOKEN=""`` to hide a
    real STS token that the standard variables may hold).
    """

    model_config = ProviderSettings.config_for(NAME)
    config_table: ClassVar[str | None] = NAME
    required: ClassVar[tuple[str, ...]] = ("access_key_id", "access_key_secret")

    access_key_id: str | None = Field(
        None, description="AccessKey ID (else ALIBABA_CLOUD_ACCESS_KEY_ID)."
    )
    access_key_secret: SecretStr | None = Field(
        None, description="AccessKey secret (else ALIBABA_CLOUD_ACCESS_KEY_SECRET)."
    )
    security_token: SecretStr | None = Field(
        None,
        description="STS security token, with temporary credentials "
        "(else ALIBABA_CLOUD_SECURITY_TOKEN).",
    )
    region: str = Field(DEFAULT_REGION, description="Region whose endpoint is used.")
    endpoint: str | None = Field(
        None,
        description="Full base URL overriding the region's endpoint "
        "(plain http:// only on loopback, for the emulator).",
    )
    # The reference gives no limit on tasks in flight; four keeps a batch polite
    # towards the per-user throttle (Throttling.User) and is fast enough.
    max_concurrent_tasks: int = Field(
        DEFAULT_CONCURRENT_TASKS,
        ge=1,
        le=64,
        description="Image tasks (of up to 20 URLs each) running at once.",
    )

    # The names given explicitly to the constructor (``-c`` overrides), so errors
    # can say where a credential came from.
    _given: frozenset[str] = PrivateAttr(default=frozenset())

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self._given = frozenset(k for k, v in values.items() if v is not None)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        core = super().settings_customise_sources(
            settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
        )
        return (*core, _StandardEnvSource(settings_cls))

    @field_validator("region")
    @classmethod
    def _check_region(cls, value: str) -> str:
        value = value.strip().lower()
        # The region becomes part of a host name: refuse anything but a region id.
        if not _REGION.match(value):
            raise ValueError(f"not a region id such as {DEFAULT_REGION}: {value!r}")
        return value

    @field_validator("access_key_id")
    @classmethod
    def _strip_key_id(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    def secret(self) -> str:
        """The AccessKey secret (empty when unset)."""
        return self.access_key_secret.get_secret_value() if self.access_key_secret else ""

    def token(self) -> str | None:
        """The STS token, or ``None`` (an empty value counts as none)."""
        value = self.security_token.get_secret_value() if self.security_token else ""
        return value or None

    def base_url(self, *, insecure: bool = False) -> str:
        """The endpoint to call: the override, else the region's endpoint.  A plain
        ``http://`` override off this machine needs ``insecure`` (``--insecure``)."""
        if self.endpoint:
            return check_endpoint(self.endpoint, self.source_of("endpoint"), insecure=insecure)
        return REGION_ENDPOINTS.get(self.region, CENTRAL_ENDPOINT)

    def source_of(self, name: str) -> str:
        """Where the value of setting ``name`` came from, as the user would set it
        (an environment variable, the config key, or the override), for errors."""
        own = f"{ENV_PREFIX}{name.upper()}"
        if name in self._given:
            return f"the {name} option"
        if os.environ.get(own) is not None:
            return own
        table = read_config().get(NAME, {})
        if isinstance(table, dict) and name in table:
            return f"{name} in the [{NAME}] table of the config file"
        standard = STANDARD_ENV.get(name)
        if standard and os.environ.get(standard):
            return f"{standard} (set {own} to override it)"
        return own

    def missing(self) -> list[str]:
        """The required settings that are unset, each with both variables that can
        supply it (``TRANSHUB_ALIBABA_ACCESS_KEY_ID (or ALIBABA_CLOUD_ACCESS_KEY_ID)``)."""
        absent = []
        for variable in super().missing():
            standard = STANDARD_ENV.get(variable.removeprefix(ENV_PREFIX).lower())
            absent.append(f"{variable} (or {standard})" if standard else variable)
        return absent

    def check(self) -> None:
        """Raise :class:`~transhub.errors.ConfigurationError` naming every missing
        credential, with both ways to set it."""
        absent = self.missing()
        if absent:
            raise ConfigurationError(
                "alibaba: missing credentials: set " + " and ".join(absent),
                provider=NAME,
                hint="or put them in the [alibaba] table of the config file",
            )
