"""``transhub config``: where the config file is, what it holds, and changing it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import click

from transhub.cli.output import OutputMode, Records, completer, json_option, note
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime


@click.group(cls=WholeSummaries)
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


@dataclass(frozen=True)
class Entry:
    """One setting in force: its key, value (secrets masked) and where it comes from."""

    key: str
    section: str
    name: str
    value: Any
    origin: str


@config.command()
@click.option(
    "--origin",
    is_flag=True,
    help="Say where each value comes from: default, file, env (the variable) or -c.",
)
@json_option
@click.pass_obj
def show(runtime: Runtime, origin: bool, mode: OutputMode) -> None:
    """Print every setting in force as TOML (secrets masked; unset settings as comments).

    The output is valid TOML in the config file's layout: transhub's own settings at
    the top, then one table per provider.
    """
    entries = _entries(runtime)
    if mode is not OutputMode.TEXT:
        document: dict[str, Any] = {}
        for entry in entries:
            value = {"value": entry.value, "origin": entry.origin} if origin else entry.value
            (document.setdefault(entry.section, {}) if entry.section else document)[entry.name] = (
                value
            )
        with Records(mode, many=False) as records:
            records.add(document)
        return
    click.echo(_toml(entries, origin=origin), nl=False)


@config.command()
@click.argument("key", shell_complete=completer("complete_setting_keys"))
@click.option("--origin", is_flag=True, help="Also say where the value comes from.")
@json_option
@click.pass_obj
def get(runtime: Runtime, key: str, origin: bool, mode: OutputMode) -> int:
    """Print the value of KEY in force (secrets masked); exit 1 when it is not set."""
    _field(runtime, key)
    entry = next((e for e in _entries(runtime) if e.key == key), None)
    # An empty string is how an unset text setting reads (fanyigou.appid).
    value = entry.value if entry is not None and entry.value != "" else None
    source = entry.origin if entry is not None else "default"
    with Records(mode, many=False) as records:
        records.add({"key": key, "value": value, "origin": source})
    if value is None:
        # Not set is a failure (exit 1, as `git config` does), so a script can test it;
        # said as every error is (under --json the record above says null, too).
        from transhub.errors import TranshubError

        raise TranshubError(f"{key} is not set", hint=f"set it: transhub config set {key} VALUE")
    if mode is OutputMode.TEXT:
        shown = _toml_value(value).rstrip()
        click.echo(f"{shown}  # {source}" if origin else shown)
    return 0


def _entries(runtime: Runtime) -> list[Entry]:
    from transhub.config import read_config
    from transhub.settings import load_settings

    file = read_config()
    hub = runtime.hub
    entries: list[Entry] = []
    core = hub.settings.public_dict()
    url = core.pop("journal").url
    results = core.pop("results").dir
    tables: dict[str, dict[str, Any]] = {
        "defaults": core.pop("defaults", {}) or {},
        "routing": core.pop("routing").model_dump(),
        # The URL is shown with its password masked (the rest says where the journal is).
        "journal": {"url": _shown_url(url.get_secret_value()) if url is not None else None},
        "results": {"dir": str(results) if results is not None else None},
    }
    from transhub.settings import CoreSettings

    for name, value in core.items():
        origin = _origin(runtime, "", name, file, CoreSettings, "TRANSHUB_")
        entries.append(Entry(name, "", name, value, origin))
    from transhub.capabilities.kinds import Capability

    names = {
        "defaults": [c.value for c in Capability],
        "routing": list(tables["routing"]),
        "journal": ["url"],
        "results": ["dir"],
    }
    for table, values in tables.items():
        given = runtime.overrides.get("", {}).get(table, {})
        stored = file.get(table, {})
        for name in names[table]:
            where = "-c" if name in given else "file" if name in stored else ""
            for variable in (f"TRANSHUB_{table}_{name}".upper(), f"TRANSHUB_{table.upper()}"):
                if variable in os.environ and not where:
                    where = f"env {variable}"
            value = values.get(name)
            # An empty routing order is the default: nothing is preferred.
            shown = None if value in (None, []) else value
            entries.append(Entry(f"{table}.{name}", table, name, shown, where or "default"))
    for provider, cls in _provider_settings(runtime).items():
        shown = load_settings(cls, runtime.overrides.get(provider), what=provider).public_dict()
        prefix = cls.model_config.get("env_prefix", "")
        for name, value in shown.items():
            entries.append(
                Entry(
                    f"{provider}.{name}",
                    provider,
                    name,
                    value,
                    _origin(runtime, provider, name, file, cls, prefix),
                )
            )
    return entries


def _origin(
    runtime: Runtime, section: str, name: str, file: dict[str, Any], cls: Any, prefix: str
) -> str:
    """Where the value of ``name`` comes from, highest first: -c, env, file, default."""
    if name in runtime.overrides.get(section, {}):
        return "-c"
    environment = {k.upper(): k for k in os.environ}
    for variable in _variables(cls.model_fields[name], f"{prefix}{name}"):
        if variable.upper() in environment:
            return f"env {environment[variable.upper()]}"
    table = file.get(section, {}) if section else file
    if isinstance(table, dict) and name in table:
        return "file"
    # A provider's own variable (DEEPL_AUTH_KEY), read after transhub's and the file's
    # (an empty one counts as unset, as the settings read it).
    standard = getattr(cls, "standard_env", {}).get(name)
    if standard and os.environ.get(standard):
        return f"env {standard}"
    return "default"


def _variables(field: Any, default: str) -> list[str]:
    """The environment variables a field is read from."""
    alias = field.validation_alias
    if alias is None:
        return [default]
    if isinstance(alias, str):
        return [alias]
    return [c for c in getattr(alias, "choices", []) if isinstance(c, str)]


def _shown_url(url: str) -> str:
    """A journal URL as shown: its password masked; anything that is not a URL of a
    known scheme or an absolute path is masked whole (it may be a password typed
    where the URL belongs)."""
    from pathlib import Path
    from urllib.parse import urlsplit

    from transhub.journal.backend import mask_url
    from transhub.settings import MASK

    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return MASK
    if scheme.startswith(("postgres", "sqlite")):
        return mask_url(url)
    return url if not scheme and Path(url).expanduser().is_absolute() else MASK


def _toml_value(value: Any) -> str:
    """One value as TOML, on one line (an array inline: ``["deepl", "fanyigou"]``)."""
    import tomli_w

    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v).strip() for v in value) + "]\n"
    return tomli_w.dumps({"v": value}).partition("=")[2].strip() + "\n"


def _toml(entries: list[Entry], *, origin: bool) -> str:
    from transhub.paths import config_file

    lines = [f"# settings in force (secrets masked); the config file is {config_file()}"]
    section = ""
    for entry in entries:
        if entry.section != section:
            section = entry.section
            lines += ["", f"[{section}]"]
        if entry.value is None:
            lines.append(f"# {entry.name} is not set" + (f" ({entry.origin})" if origin else ""))
            continue
        line = f"{_key(entry.name)} = {_toml_value(entry.value).strip()}"
        lines.append(f"{line}  # {entry.origin}" if origin else line)
    return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    """A bare TOML key, quoted when it has to be."""
    import re

    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'


def _provider_settings(runtime: Runtime) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for capabilities in runtime.registry.providers().values():
        info = next(iter(capabilities.values())).provider
        found[info.name] = info.settings
    return dict(sorted(found.items()))


def _field(runtime: Runtime, key: str) -> tuple[list[str], Any]:
    """The path in the TOML document and the pydantic field for ``key`` (an unknown
    key is a usage error with a "did you mean")."""
    from transhub.settings import lookup_setting

    field = lookup_setting(key, _provider_settings(runtime))
    table, dot, name = key.rpartition(".")
    return ([table, name] if dot else [name]), field


def _read_value(key: str, secret: bool) -> str:
    """The value typed at a prompt (hidden for a secret) or piped in on stdin."""
    from transhub.errors import UsageError

    if not sys.stdin.isatty():
        # Piped (echo "$KEY" | transhub config set ...): read it as it is, with no
        # prompt and none of getpass's warnings about an unechoed terminal.
        value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise UsageError(
                f"no value for {key}: standard input was empty",
                hint=f"give it: transhub config set {key} VALUE, or pipe it in",
            )
        return value
    try:
        typed: str = click.prompt(key, hide_input=secret, err=True)
    except click.Abort:
        raise UsageError(f"no value for {key} was typed; nothing was changed") from None
    return typed


def _check_default(runtime: Runtime, capability: str, provider: str) -> None:
    """A default provider must be an installed one that offers the capability."""
    import difflib

    from transhub.capabilities.kinds import Capability
    from transhub.errors import ConfigurationError

    offering = sorted(
        {c.provider.name for c in runtime.registry.implementations(Capability(capability))}
    )
    if provider not in offering:
        close = difflib.get_close_matches(provider, offering, n=1)
        raise ConfigurationError(
            f"defaults.{capability}: {provider!r} is not an installed provider of {capability} "
            f"(choices: {', '.join(offering) or 'none installed'})",
            hint=f"did you mean {close[0]}?" if close else None,
        )


# A VALUE that starts with "-" (``config set read_timeout -5``) is a value to check
# against the setting's range, not an unknown option.
@config.command(name="set", context_settings={"ignore_unknown_options": True})
@click.argument("key", shell_complete=completer("complete_setting_keys"))
@click.argument("value", required=False)
@click.pass_obj
def set_(runtime: Runtime, key: str, value: str | None) -> None:
    """Set KEY to VALUE in the config file, checked against the setting's type and range.

    Omit VALUE (or give -) to type it at a hidden prompt or pipe it in on standard
    input: secrets then stay out of your shell history.
    """
    from transhub.settings import check_setting, is_secret, read_config, write_config

    providers = _provider_settings(runtime)
    where, field = _field(runtime, key)
    if value is None or value == "-":
        value = _read_value(key, is_secret(field))
    # Checked as it will be when used (type, range, the class's validators, routing's
    # providers, the journal URL's scheme), so that a bad value never reaches the file.
    stored = check_setting(key, value, providers)
    if where[0] == "defaults":
        _check_default(runtime, where[1], value)
    data = read_config()
    node = data
    for part in where[:-1]:
        node = node.setdefault(part, {})
    node[where[-1]] = stored
    path = write_config(data)
    note(f"{key} set in {path}")


@config.command()
@click.argument("key", shell_complete=completer("complete_setting_keys"))
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
        note(f"{key} removed from {path}")
    else:
        note(f"{key} was not set in the config file")
