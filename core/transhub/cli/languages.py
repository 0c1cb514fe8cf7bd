"""``transhub languages``: the language codes each provider offers."""

from __future__ import annotations

import click

from transhub.capabilities.kinds import Capability
from transhub.cli.output import emit_json, json_option, provider_option, table
from transhub.cli.runtime import Runtime


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
@json_option
@click.pass_obj
def languages(
    runtime: Runtime, provider: str | None, capability: str | None, refresh: bool, as_json: bool
) -> None:
    """List language codes: canonical code, name, provider's own code, and whether it
    can be a source and a target.  Any of the codes (and common aliases such as
    zh-CN, zh-TW, jp, kor) is accepted by --from and --to."""
    from transhub.errors import RoutingError
    from transhub.languages import name

    rows = []
    wanted = [Capability(capability)] if capability else list(Capability)
    if refresh:
        _refresh(runtime, provider, wanted)
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
    if not rows and provider:
        raise RoutingError(f"no installed provider named {provider!r} lists languages")
    if as_json:
        for row in rows:
            emit_json(row)
        return
    table(
        [
            (
                r["provider"],
                r["capability"],
                r["code"],
                r["name"],
                r["provider_code"],
                "yes" if r["source"] else "",
                "yes" if r["target"] else "",
            )
            for r in rows
        ],
        ("provider", "capability", "code", "language", "own code", "from", "to"),
    )


def _refresh(runtime: Runtime, provider: str | None, wanted: list[Capability]) -> None:
    """Ask each configured provider (once) to fetch its current language lists."""
    from transhub.cli.output import note

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
