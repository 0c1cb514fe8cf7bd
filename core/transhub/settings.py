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
    "check_setting",
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
        _warn_unknown(self._values, settings_cls, table)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        names = set(self.settings_cls.model_fields)
        return {k: v for k, v in self._values.items() if k in names}


_warned_keys: set[str] = set()


def _warn_unknown(values: dict[str, Any], cls: type[BaseSettings], table: str | None) -> None:
    """A key of the config file that no setting reads (a typo: ``private_kye``) is
    ignored, so say so, once per run, with a "did you mean" — never its value.  At the
    top level a table (``[fanyigou]``) is a provider's, not a typo."""
    import difflib
    import warnings

    from transhub import paths

    names = list(cls.model_fields)
    for key, value in values.items():
        if key in names or (table is None and isinstance(value, dict)):
            continue
        shown = f"{table}.{key}" if table else key
        if shown in _warned_keys:
            continue
        _warned_keys.add(shown)
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        near = f"; did you mean {f'{table}.' if table else ''}{close[0]}?" if close else ""
        warnings.warn(
            f"{paths.config_file()}: unknown setting {shown!r} is ignored{near}",
            UserWarning,
            stacklevel=2,
        )


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
    """Build settings, turning a validation failure into one readable line that names
    the setting, where its value comes from (``-c KEY``, the variable, the config
    file) and the value itself (never a secret's)."""
    try:
        return cls(**(overrides or {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        key = ".".join(loc if what == "transhub" else [what, *loc])
        field = cls.model_fields.get(loc[0]) if loc else None
        value = first.get("input")
        shown = value if isinstance(value, str | int | float) and loc else None
        source = source_of(cls, loc, overrides or {}, key)
        raise ConfigurationError(
            invalid_value(key, first["msg"], shown, secret=is_secret(field), source=source)
        ) from None


def invalid_value(
    key: str, problem: str, value: Any, *, secret: bool, source: str | None = None
) -> str:
    """``fanyigou.channels: Input should be … (got 'abc' from TRANSHUB_FANYIGOU_CHANNELS)``:
    the setting, the problem, the value (a secret's never) and where it came from."""
    got = [] if value is None else [MASK if secret else repr(str(value))]
    if got and got[0] in problem:  # the problem quotes it already (an endpoint's check)
        got = []
    origin = [f"from {source}"] if source else []
    said = " ".join(["got", *got, *origin]) if got else " ".join(origin)
    return f"{key}: {problem}" + (f" ({said})" if said else "")


def source_of(cls: type[_Settings], loc: list[str], overrides: dict[str, Any], key: str) -> str:
    """Where the value at ``loc`` of ``cls`` comes from, highest first: ``-c KEY``, an
    environment variable, the config file, a provider's own variable; else
    ``default``."""
    from transhub import paths

    node: Any = overrides
    for part in loc:
        node = node.get(part, _ABSENT) if isinstance(node, dict) else _ABSENT
    if node is not _ABSENT:
        return f"-c {key}"
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    environment = {k.upper(): k for k in os.environ}
    names = ["_".join(loc[: n + 1]) for n in range(len(loc))][::-1] if loc else []
    for name in names:
        if f"{prefix}{name}".upper() in environment:
            return f"{environment[f'{prefix}{name}'.upper()]}"
    file = read_config()
    node = file.get(cls.config_table, {}) if cls.config_table else file
    for part in loc:
        node = node.get(part, _ABSENT) if isinstance(node, dict) else _ABSENT
    if node is not _ABSENT:
        return str(paths.config_file())
    standard: dict[str, str] = getattr(cls, "standard_env", {})
    if loc and os.environ.get(standard.get(loc[0], "")):
        return standard[loc[0]]
    return "default"


_ABSENT = object()


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
    # A key cut short ("defaults.doc") means the one it begins, not a near spelling.
    begun = sorted(k for k in keys if k.startswith(key))
    close = begun[:1] or difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
    if close:
        hint = f"did you mean {close[0]}?"
    elif dot and table != "defaults" and table not in providers:
        hint = f"providers: {', '.join(sorted(providers)) or 'none installed'}"
    else:
        hint = "`transhub config show` lists the settings"
    raise UsageError(f"unknown setting {key!r}", hint=hint)


def parse_value(key: str, field: FieldInfo | None, value: str, *, source: str | None = None) -> Any:
    """``value`` (as typed) validated against ``field``'s type, bounds and choices;
    secrets are returned in clear (to store them).  ``source`` names where the value
    comes from in the error (``-c read_timeout``)."""
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
        problem = exc.errors()[0]["msg"]
        raise ConfigurationError(
            invalid_value(key, problem, value, secret=is_secret(field), source=source)
        ) from None
    return parsed.get_secret_value() if isinstance(parsed, SecretStr) else parsed


def is_secret(field: FieldInfo | None) -> bool:
    """Whether a field holds a secret."""
    return field is not None and "SecretStr" in str(field.annotation)


def check_setting(
    key: str, value: str, providers: dict[str, type[ProviderSettings]], *, source: str | None = None
) -> Any:
    """``value`` for ``key`` checked as it will be checked when used — its type and
    range, the settings class's own validators (an endpoint's URL), the providers a
    ``routing.order`` names (of ``providers``), a ``journal.url``'s scheme — and
    returned as the config file stores it.  Any problem is a
    :class:`ConfigurationError` naming ``source``."""
    field = lookup_setting(key, providers)
    parsed = parse_value(key, field, value, source=source)
    secret = is_secret(field)
    table, dot, name = key.rpartition(".")
    owner: Any = {"routing": RoutingSettings, "journal": JournalSettings}.get(table)
    owner = owner or (providers.get(table) if dot else CoreSettings)
    if owner is not None and name in owner.model_fields:
        try:  # the class's own validators, without reading any other source
            owner.model_validate({name: value})
        except ValidationError as exc:
            mine = [e for e in exc.errors() if tuple(e["loc"][:1]) == (name,)]
            if mine:
                problem = mine[0]["msg"].removeprefix("Value error, ")
                raise ConfigurationError(
                    invalid_value(key, problem, value, secret=secret, source=source)
                ) from None
    if name == "endpoint" and value:
        from transhub.errors import InputError
        from transhub.http import check_endpoint

        try:  # the shape only: plain http:// off loopback is --insecure's, at use
            check_endpoint(value, key, insecure=True)
        except InputError as exc:
            raise ConfigurationError(exc.message) from None
    if key == "routing.order":
        _check_order(parsed, sorted(providers), source=source)
    if key == "journal.url":
        _check_journal_url(value, source=source)
    return parsed


def _check_order(order: Any, known: list[str], *, source: str | None) -> None:
    """Every provider ``routing.order`` names must be installed (a "did you mean")."""
    import difflib

    for provider in RoutingSettings(order=order).order:
        if provider not in known:
            close = difflib.get_close_matches(provider, known, n=1)
            raise ConfigurationError(
                invalid_value(
                    "routing.order",
                    f"{provider!r} is not an installed provider",
                    None,
                    secret=False,
                    source=source,
                ),
                hint=f"did you mean {close[0]}?" if close else f"providers: {', '.join(known)}",
            )


def _check_journal_url(url: str, *, source: str | None) -> None:
    """A journal URL must be ``sqlite:///path``, ``postgresql://…`` or an absolute path:
    a bare word is refused, and never quoted (it may be a password typed in the
    wrong place)."""
    from pathlib import Path
    from urllib.parse import urlsplit

    from transhub.journal.backend import parse_location

    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        scheme = ""
    if not scheme and not Path(url).expanduser().is_absolute():
        raise ConfigurationError(
            invalid_value("journal.url", "not a journal URL", None, secret=True, source=source),
            hint="use postgresql://user@host:port/db, sqlite:///absolute/path, or an absolute path",
        )
    parse_location(url, Path("/"))
