"""``transhub providers``: what the installed plugins offer."""

from __future__ import annotations

import click

from transhub.cli.output import emit_json, json_option, note, table
from transhub.cli.runtime import Runtime


@click.command()
@json_option
@click.pass_obj
def providers(runtime: Runtime, as_json: bool) -> None:
    """List installed providers: plugin, version, capabilities, configured or not.

    Plugins that failed to load are listed as broken, with their error.
    """
    hub = runtime.hub
    rows = hub.providers()
    broken = [r for r in runtime.registry.plugins() if r.broken]
    if as_json:
        for row in rows:
            emit_json(row)
        for record in broken:
            emit_json(
                {
                    "name": record.name,
                    "plugin": record.distribution,
                    "version": record.version,
                    "broken": True,
                    "error": record.error,
                }
            )
        return
    if not rows and not broken:
        note("no provider plugin is installed; try: pip install transhub-fanyigou transhub-alibaba")
        return
    shown = [
        (
            r.name,
            r.plugin,
            r.version or "",
            ", ".join(r.capabilities),
            "yes" if r.configured else f"no (set {', '.join(r.missing)})",
        )
        for r in rows
    ]
    shown += [
        (b.name, b.distribution or "", b.version or "", "", f"BROKEN: {b.error}") for b in broken
    ]
    table(shown, ("provider", "plugin", "version", "capabilities", "configured"))
