"""Settings: the core's and one class per provider plugin.

Each value comes from, highest first: options given on the command line (``--timeout``,
``-c KEY=VALUE``), environment variables (``TRANSHUB_…``; a plugin's are
``TRANSHUB_<PLUGIN>_…``), the TOML config file (core keys at the top, a plugin's in
its own ``[plugin]`` table), then defaults.  Secrets are ``SecretStr``: printed
masked, never logged.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from transhub.config import read_config, write_config
from transhub.errors import ConfigurationError, UsageError

__all__ = [
    "CoreSettings",
    "ProviderSettings",
    "load_settings",
    "lookup_setting",
    "parse_value",
    "read_config",
    "setting_keys",
    "write_config",
]

MASK = "********"


class _ConfigTableSource(PydanticBaseSettingsSource):
    """Reads one table of the config file (or its top level for the core)."""

    def __init__(self, settings_cls: type[BaseSettings], table: str | None) -> None:
        super().__init__(settings_cls)
        config = read_config()
        section = config.get(table, {}) if table else config
        self._values = section if isinstance(section, dict) else {}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        names = set(self.settings_cls.model_fields)
        return {k: v for k, v in self._values.items() if k in names}


class _StandardEnvSource(PydanticBaseSettingsSource):
    """A provider's conventional variables (``DEEPL_AUTH_KEY``…), read after transhub's
    own settings: they are often set machine-wide for other tools, while transhub's
    variables and config table were set for transhub.  An empty one counts as unset."""

    def __init__(self, settings_cls: type[BaseSettings], variables: dict[str, str]) -> None:
        super().__init__(settings_cls)
        self._variables = variables

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        variable = self._variables.get(field_name)
        return (os.environ.get(variable) or None) if variable else None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return {
            name: os.environ[variable]
            for name, variable in self._variables.items()
            if os.environ.get(variable)
        }


class _Settings(BaseSettings):
    """Shared machinery: the source order and the config table."""

    #: The config file table these settings live in (``None``: the top level).
    config_table: ClassVar[str | None] = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: tuple[PydanticBaseSettingsSource, ...] = (
            init_settings,
            env_settings,
            _ConfigTableSource(settings_cls, cls.config_table),
        )
        standard: dict[str, str] = getattr(cls, "standard_env", {})
        return (*sources, _StandardEnvSource(settings_cls, standard)) if standard else sources

    def public_dict(self) -> dict[str, Any]:
        """The values with every secret masked (unset secrets show as ``None``)."""
        shown: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown[name] = MASK if value.get_secret_value() else None
            else:
                shown[name] = value
        return shown

    @classmethod
    def secret_names(cls) -> list[str]:
        """The names of the fields that hold secrets."""
        return [
            n for n, f in cls.model_fields.items() if f.annotation in (SecretStr, SecretStr | None)
        ]


class RoutingSettings(BaseModel):
    """How the router orders the providers that fit a request."""

    order: list[str] = Field(
        default_factory=list,
        description="Providers to prefer, first first, e.g. ['deepl', 'fanyigou'] "
        "(or 'deepl,fanyigou'); unlisted providers come after.",
    )
    fallback: bool = Field(
        False,
        description="Move a job the provider refuses before any payment (quota, "
        "throttling, busy channels) to the next provider that fits (--fallback).",
    )

    @field_validator("order", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value


class JournalSettings(BaseModel):
    """Where the job journal is (the ``[journal]`` table, ``TRANSHUB_JOURNAL_URL``)."""

    url: SecretStr | None = Field(
        None,
        description="The journal's database: unset, the SQLite file in the data folder; "
        "sqlite:///path; or postgresql://user@host:port/db to share one between "
        "processes and machines (cluster mode; its password is a secret).",
    )


class ResultsSettings(BaseModel):
    """Cluster mode's results store (the ``[results]`` table, ``TRANSHUB_RESULTS_DIR``)."""

    # A string (as the config file stores it); transhub.store makes it a path.
    dir: str | None = Field(
        None,
        description="Cluster mode: the folder every machine mounts where workers keep "
        "results, by job id (docs/cluster.md).",
    )


class CoreSettings(_Settings):
    """transhub's own settings (top level of the config file, ``TRANSHUB_`` variables;
    a table's keys as ``TRANSHUB_<TABLE>_<KEY>``, e.g. ``TRANSHUB_JOURNAL_URL``)."""

    model_config = SettingsConfigDict(
        env_prefix="TRANSHUB_", extra="ignore", env_nested_delimiter="_", env_nested_max_split=1
    )

    connect_timeout: float = Field(10.0, gt=0, description="Seconds to wait for a connection.")
    read_timeout: float = Field(120.0, gt=0, description="Seconds to wait for an answer.")
    retries: int = Field(4, ge=0, le=20, description="Retries of a request that is safe to repeat.")
    poll_interval: float = Field(1.0, gt=0, description="First wait between two status requests.")
    poll_max_interval: float = Field(
        30.0, gt=0, description="Longest wait between status requests."
    )
    task_timeout: float = Field(
        6 * 3600.0, gt=0, description="Give up waiting for a task after this."
    )
    insecure: bool = Field(
        False, description="Allow plain http:// endpoints that are not loopback."
    )
    defaults: dict[str, str] = Field(
        default_factory=dict,
        description="Default provider per capability, e.g. defaults.document = 'fanyigou'.",
    )
    routing: RoutingSettings = Field(
        default_factory=RoutingSettings,
        description="Routing between providers that fit: routing.order = ['deepl', 'fanyigou'].",
    )
    journal: JournalSettings = Field(
        default_factory=JournalSettings,
        description="The job journal: journal.url = 'postgresql://user@host/db'.",
    )
    results: ResultsSettings = Field(
        default_factory=ResultsSettings,
        description="Cluster mode's results store: results.dir = '/mnt/transhub-results'.",
    )

    def http_options(self) -> Any:
        """The :class:`~transhub.http.HttpOptions` these settings describe."""
        from transhub.http import HttpOptions

        return HttpOptions(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries=self.retries,
            insecure=self.insecure,
        )


class ProviderSettings(_Settings):
    """Base of a provider plugin's settings.

    Subclass it, set ``model_config = ProviderSettings.config_for("name")`` and declare
    the fields; secrets are ``SecretStr``.  :meth:`missing` names the settings a
    request needs and lacks, so the error can say which one to set.
    """

    model_config = SettingsConfigDict(extra="ignore")

    #: Fields that must be set before the provider can be used.
    required: ClassVar[tuple[str, ...]] = ()
    #: Field → the provider's own conventional environment variable, read last.
    standard_env: ClassVar[dict[str, str]] = {}

    @staticmethod
    def config_for(name: str, **extra: Any) -> SettingsConfigDict:
        """The model config of plugin ``name``'s settings (``extra``: more options)."""
        config = SettingsConfigDict(env_prefix=f"TRANSHUB_{name.upper()}_", extra="ignore")
        config.update(extra)  # type: ignore[typeddict-item]
        return config

    def missing(self) -> list[str]:
        """The required settings that are unset, as environment variable names."""
        prefix = self.model_config.get("env_prefix", "")
        absent = []
        for name in self.required:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if not value:
                variable = f"{prefix}{name}".upper()
                standard = self.standard_env.get(name)
                absent.append(f"{variable} (or {standard})" if standard else variable)
        return absent

    @property
    def configured(self) -> bool:
        """Whether every required setting is present."""
        return not self.missing()


def load_settings(
    cls: type[_Settings], overrides: dict[str, Any] | None = None, *, what: str = "transhub"
) -> Any:
    """Build settings, turning a validation failure into one readable line."""
    try:
        return cls(**(overrides or {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigurationError(f"{what} setting {where!r}: {first['msg']}") from None


def setting_keys(providers: dict[str, type[ProviderSettings]]) -> dict[str, FieldInfo | None]:
    """Every key a user may set (``read_timeout``, ``defaults.document``,
    ``fanyigou.appid``…) and its field (``None`` for a default provider)."""
    from transhub.capabilities.kinds import Capability

    keys: dict[str, FieldInfo | None] = {
        name: field
        for name, field in CoreSettings.model_fields.items()
        if name not in ("defaults", "routing", "journal", "results")
    }
    keys.update({f"defaults.{c.value}": None for c in Capability})
    # Routing settings are stored as typed (``deepl,fanyigou``) and split when loaded.
    keys.update({f"routing.{name}": None for name in RoutingSettings.model_fields})
    keys.update({f"journal.{n}": f for n, f in JournalSettings.model_fields.items()})
    keys.update({f"results.{n}": f for n, f in ResultsSettings.model_fields.items()})
    for provider, cls in sorted(providers.items()):
        keys.update({f"{provider}.{name}": field for name, field in cls.model_fields.items()})
    return keys


def lookup_setting(key: str, providers: dict[str, type[ProviderSettings]]) -> FieldInfo | None:
    """The field of ``key``; an unknown key is a :class:`UsageError` with a "did you
    mean" when a known key is close."""
    import difflib

    keys = setting_keys(providers)
    if key in keys:
        return keys[key]
    table, dot, _ = key.rpartition(".")
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
    if close:
        hint = f"did you mean {close[0]}?"
    elif dot and table != "defaults" and table not in providers:
        hint = f"providers: {', '.join(sorted(providers)) or 'none installed'}"
    else:
        hint = "`transhub config show` lists the settings"
    raise UsageError(f"unknown setting {key!r}", hint=hint)


def parse_value(key: str, field: FieldInfo | None, value: str) -> Any:
    """``value`` (as typed) validated against ``field``'s type, bounds and choices;
    secrets are returned in clear (to store them)."""
    from typing import Annotated

    from pydantic import TypeAdapter

    if field is None:
        return value
    # The field's bounds (gt=0, le=20...) are in its metadata: keep them.
    annotated: Any = field.annotation
    if field.metadata:
        annotated = Annotated.__class_getitem__((annotated, *field.metadata))  # type: ignore[attr-defined]
    try:
        parsed = TypeAdapter(annotated).validate_python(value)
    except ValidationError as exc:
        shown = MASK if is_secret(field) else repr(value)
        raise ConfigurationError(f"{key}: {exc.errors()[0]['msg']} (got {shown})") from None
    return parsed.get_secret_value() if isinstance(parsed, SecretStr) else parsed


def is_secret(field: FieldInfo | None) -> bool:
    """Whether a field holds a secret."""
    return field is not None and "SecretStr" in str(field.annotation)
