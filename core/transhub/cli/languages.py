"""``transhub languages``: the language codes each provider offers."""

from __future__ import annotations

from typing import Any

import click

from transhub.capabilities.kinds import Capability
from transhub.cli.output import OutputMode, Records, json_option, note, provider_option, table
from transhub.cli.runtime import Runtime

#: The JSON keys, which are the table's headers too.
KEYS = ("provider", "capability", "code", "name", "provider_code", "source", "target")


@click.command()
@provider_option
@click.option(
    "--capability",
    type=click.Choice([c.value for c in Capability if c is not Capability.ACCOUNT]),
    help="Only this capability.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Fetch the configured providers' current lists first (where they publish them).",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="List every code even without --provider or --capability (a summary otherwise).",
)
@json_option
@click.pass_obj
def languages(
    runtime: Runtime,
    provider: str | None,
    capability: str | None,
    refresh: bool,
    everything: bool,
    mode: OutputMode,
) -> None:
    """List language codes: the canonical code, its name, the provider's own code, and
    whether it can be a source and a target.

    Without --provider, --capability or --all, a summary (how many codes each provider
    offers per capability) is printed instead of every row; --json always lists every
    row.  Any of the codes (and common aliases such as zh-CN, zh-TW, jp, kor) is
    accepted by --from and --to.
    """
    from transhub.errors import RoutingError

    if refresh:
        wanted = [Capability(capability)] if capability else list(Capability)
        _refresh(runtime, provider, wanted)
    rows = _rows(runtime, provider, capability)
    if not rows and provider:
        from transhub.router import check_installed

        offered = runtime.registry.providers()
        check_installed(provider, offered)
        listed = ", ".join(sorted(c.value for c in offered[provider]))
        what = f"does not offer {capability}" if capability else "lists no languages"
        raise RoutingError(f"provider {provider!r} {what} (it offers {listed})")
    with Records(mode, many=True) as records:
        for row in rows:
            records.add(row)
    if mode is not OutputMode.TEXT:
        return
    if provider or capability or everything:
        table([[_cell(row[key]) for key in KEYS] for row in rows], KEYS)
        return
    _summary(rows)


def _rows(runtime: Runtime, provider: str | None, capability: str | None) -> list[dict[str, Any]]:
    from transhub.languages import name

    rows = []
    wanted = [Capability(capability)] if capability else list(Capability)
    for cap in wanted:
        for cls in runtime.registry.implementations(cap):
            support = getattr(cls, "languages", None)
            if support is None or (provider and cls.provider.name != provider):
                continue
            sources, targets = support.source_codes(), support.target_codes()
            for code, own in sorted(support.codes.items()):
                rows.append(
                    {
                        "provider": cls.provider.name,
                        "capability": cap.value,
                        "code": code,
                        "name": name(code),
                        "provider_code": own,
                        "source": code in sources,
                        "target": code in targets,
                    }
                )
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _summary(rows: list[dict[str, Any]]) -> None:
    counts: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        count = counts.setdefault((row["provider"], row["capability"]), [0, 0, 0])
        count[0] += 1
        count[1] += row["source"]
        count[2] += row["target"]
    table(
        [(p, c, *numbers) for (p, c), numbers in counts.items()],
        ("provider", "capability", "codes", "source", "target"),
    )
    note(
        "the codes themselves: transhub languages --provider NAME [--capability CAP], "
        "or --all for every row"
    )


def _refresh(runtime: Runtime, provider: str | None, wanted: list[Capability]) -> None:
    """Ask each configured provider (once) to fetch its current language lists."""
    done: set[str] = set()
    for cap in wanted:
        for cls in runtime.registry.implementations(cap):
            name = cls.provider.name
            if name in done or (provider and name != provider):
                continue
            if provider is None and runtime.hub.provider_settings(cls).missing():
                continue
            if runtime.hub.instance(cls).refresh_languages():
                done.add(name)
                note(f"{name}: language lists refreshed")
