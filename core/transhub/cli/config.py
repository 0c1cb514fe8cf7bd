"""``transhub config``: where the config file is, what it holds, and changing it."""

from __future__ import annotations

from typing import Any

import click

from transhub.cli.output import emit_json, json_option
from transhub.cli.runtime import Runtime


@click.group()
def config() -> None:
    """Show and change settings in the config file (written with mode 0600).

    Keys are `name` for transhub's own settings, `defaults.<capability>` for the
    default provider of a capability, and `<provider>.<name>` for a provider's.
    Environment variables (TRANSHUB_..., TRANSHUB_<PROVIDER>_...) and -c options
    win over the file.
    """


@config.command()
def path() -> None:
    """Print the config file's path."""
    from transhub.paths import config_file

    click.echo(str(config_file()))


@config.command()
@json_option
@click.pass_obj
def show(runtime: Runtime, as_json: bool) -> None:
    """Show every setting in force (secrets masked)."""
    sections = _effective(runtime)
    if as_json:
        emit_json(sections)
        return
    for section, values in sections.items():
        click.echo(f"[{section}]" if section else "[transhub]")
        for key, value in values.items():
            click.echo(f"{key} = {_format(value)}")
        click.echo()


def _format(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "{}"
    return str(value)


def _effective(runtime: Runtime) -> dict[str, dict[str, Any]]:
    hub = runtime.hub
    sections: dict[str, dict[str, Any]] = {"": hub.settings.public_dict()}
    for name, cls in _provider_settings(runtime).items():
        from transhub.settings import load_settings

        sections[name] = load_settings(cls, runtime.overrides.get(name), what=name).public_dict()
    return sections


def _provider_settings(runtime: Runtime) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for capabilities in runtime.registry.providers().values():
        info = next(iter(capabilities.values())).provider
        found[info.name] = info.settings
    return dict(sorted(found.items()))


def _field(runtime: Runtime, key: str) -> tuple[list[str], Any]:
    """The path in the TOML document and the pydantic field for ``key``."""
    from transhub.errors import ConfigurationError
    from transhub.settings import CoreSettings

    table, dot, name = key.rpartition(".")
    if not dot:
        fields = CoreSettings.model_fields
        if name not in fields or name in ("defaults", "routing"):
            raise ConfigurationError(
                f"unknown setting {key!r} (known: {', '.join(sorted(fields))})"
            )
        return [name], fields[name]
    if table == "defaults":
        from transhub.capabilities.kinds import Capability

        if name not in {c.value for c in Capability}:
            raise ConfigurationError(f"unknown capability {name!r} in {key!r}")
        return ["defaults", name], None
    if table == "routing":
        from transhub.settings import RoutingSettings

        if name not in RoutingSettings.model_fields:
            raise ConfigurationError(f"unknown routing setting {name!r} in {key!r}")
        # Stored as typed (``deepl,fanyigou``): the settings split it when loaded.
        return ["routing", name], None
    classes = _provider_settings(runtime)
    if table not in classes:
        known = ", ".join(classes) or "none installed"
        raise ConfigurationError(f"unknown provider {table!r} in {key!r} (providers: {known})")
    fields = classes[table].model_fields
    if name not in fields:
        raise ConfigurationError(
            f"{table} has no setting {name!r} (settings: {', '.join(sorted(fields))})"
        )
    return [table, name], fields[name]


@config.command(name="set")
@click.argument("key")
@click.argument("value", required=False)
@click.pass_obj
def set_(runtime: Runtime, key: str, value: str | None) -> None:
    """Set KEY to VALUE in the config file.

    Omit VALUE (or give -) to type it at a hidden prompt: secrets then stay out of
    your shell history.
    """
    from pydantic import SecretStr, TypeAdapter, ValidationError

    from transhub.errors import ConfigurationError
    from transhub.settings import read_config, write_config

    where, field = _field(runtime, key)
    secret = field is not None and "SecretStr" in str(field.annotation)
    if value is None or value == "-":
        value = click.prompt(key, hide_input=secret, err=True)
    stored: Any = value
    if field is not None:
        try:
            parsed = TypeAdapter(field.annotation).validate_python(value)
        except ValidationError as exc:
            raise ConfigurationError(f"{key}: {exc.errors()[0]['msg']}") from None
        stored = parsed.get_secret_value() if isinstance(parsed, SecretStr) else parsed
    data = read_config()
    node = data
    for part in where[:-1]:
        node = node.setdefault(part, {})
    node[where[-1]] = stored
    path = write_config(data)
    click.echo(f"{key} set in {path}", err=True)


@config.command()
@click.argument("key")
@click.pass_obj
def unset(runtime: Runtime, key: str) -> None:
    """Remove KEY from the config file."""
    from transhub.settings import read_config, write_config

    where, _ = _field(runtime, key)
    data = read_config()
    node = data
    for part in where[:-1]:
        node = node.get(part, {})
    if where[-1] in node:
        del node[where[-1]]
        if len(where) > 1 and not node:
            del data[where[0]]
        path = write_config(data)
        click.echo(f"{key} removed from {path}", err=True)
    else:
        click.echo(f"{key} was not set in the config file", err=True)
