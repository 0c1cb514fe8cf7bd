"""``transhub providers``: what the installed plugins offer."""

from __future__ import annotations

from typing import Any

import click

from transhub.cli.output import OutputMode, Records, json_option, note, table
from transhub.cli.runtime import Runtime
from transhub.counts import counted


@click.command()
@click.option(
    "--doctor",
    is_flag=True,
    help="Check every plugin: it loads, its settings validate, its declarations are coherent.",
)
@click.option(
    "--online", is_flag=True, help="With --doctor: also check the credentials with the service."
)
@json_option
@click.pass_obj
def providers(runtime: Runtime, doctor: bool, online: bool, mode: OutputMode) -> int:
    """List installed providers: plugin, version, capabilities, configured or not.

    Plugins that failed to load are listed as broken, with their error.
    """
    if doctor or online:
        return _doctor(runtime, online=online, mode=mode)
    rows = _rows(runtime)
    broken = [r for r in runtime.registry.plugins() if r.broken]
    if mode is not OutputMode.TEXT:
        with Records(mode, many=True) as records:
            for row in rows:
                records.add({**row, "broken": False, "error": None})
            for record in broken:
                records.add(
                    {
                        "name": record.name,
                        "title": "",
                        "plugin": record.distribution or record.name,
                        "version": record.version,
                        "capabilities": [],
                        "configured": False,
                        "missing": [],
                        "broken": True,
                        "error": record.error,
                    }
                )
        return 0
    if not rows and not broken:
        note("no provider plugin is installed; try: transhub install fanyigou alibaba")
        return 0
    shown = [
        (
            r["name"],
            r["plugin"],
            r["version"] or "",
            ", ".join(r["capabilities"]),
            "yes" if r["configured"] else f"no (set {', '.join(r['missing'])})",
        )
        for r in rows
    ]
    shown += [
        (b.name, b.distribution or "", b.version or "", "", f"BROKEN: {b.error}") for b in broken
    ]
    table(shown, ("provider", "plugin", "version", "capabilities", "configured"))
    return 0


def _rows(runtime: Runtime) -> list[dict[str, Any]]:
    """One row per provider: from the plugins' plain-data summaries when every plugin
    gives them (fast: no pydantic), else from the hub (building every provider)."""
    summaries = runtime.registry.summaries()
    if summaries is None:
        return [status.model_dump(mode="json") for status in runtime.hub.providers()]
    from transhub.config import read_config

    config = read_config()
    rows = []
    for summary in sorted(summaries, key=lambda s: s.name):
        # Settings given with -c count as set, as they do for a real request.
        stored = config.get(summary.name)
        stored = stored if isinstance(stored, dict) else {}
        table_ = {**stored, **runtime.overrides.get(summary.name, {})}
        missing = summary.missing({summary.name: table_})
        record = runtime.registry.owner(summary)
        rows.append(
            {
                "name": summary.name,
                "title": summary.title,
                "plugin": (record.distribution or record.name) if record else "",
                "version": record.version if record else None,
                "capabilities": list(summary.capabilities),
                "configured": not missing,
                "missing": missing,
            }
        )
    return rows


def _doctor(runtime: Runtime, *, online: bool, mode: OutputMode) -> int:
    from dataclasses import asdict

    from transhub.doctor import diagnose

    findings = diagnose(runtime.hub, online=online)
    with Records(mode, many=True) as records:
        for finding in findings:
            records.add(asdict(finding))
    if mode is OutputMode.TEXT:
        table(
            [(f.subject, f.check, "ok" if f.ok else "PROBLEM", f.detail) for f in findings],
            ("plugin/provider", "check", "result", "detail"),
        )
    problems = sum(1 for f in findings if not f.ok)
    if problems:
        note(f"{counted(problems, 'problem')} found")
        return 1
    return 0
