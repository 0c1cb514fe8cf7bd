"""``transhub glossary``: glossaries stored by a provider (create, list, show, delete)."""

from __future__ import annotations

from pathlib import Path

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    json_option,
    note,
    provider_option,
    table,
)
from transhub.cli.root import WholeSummaries
from transhub.cli.runtime import Runtime
from transhub.counts import counted


@click.group(cls=WholeSummaries)
def glossary() -> None:
    """Glossaries: term pairs a provider applies to its translations.

    A glossary file is a CSV (.csv) or TSV (.tsv) of `source term,target term`
    lines. The same terms for the same languages are created once and reused.
    """


@glossary.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--from", "source", required=True, metavar="LANG", help="Language of the source terms."
)
@click.option("--to", "target", required=True, metavar="LANG", help="Language of the target terms.")
@click.option("--name", metavar="NAME", help="The glossary's name (default: from its content).")
@provider_option
@json_option
@click.pass_obj
def create(
    runtime: Runtime,
    file: Path,
    source: str,
    target: str,
    name: str | None,
    provider: str | None,
    mode: OutputMode,
) -> None:
    """Create a glossary from FILE (or reuse the one made from the same terms)."""
    from transhub.glossaries import create_glossary

    info, reused = create_glossary(runtime.hub, provider, file, source, target, name=name)
    if reused and name is not None and info.name != name:
        # A glossary is identified by its terms: --name only names a new one.
        from transhub.cli.runtime import say

        say(
            f"the same terms are already glossary {info.glossary_id} named {info.name!r}: "
            f"reused under that name, not {name!r}",
            code="reused",
        )
    with Records(mode, many=False) as records:
        records.add({**info.model_dump(mode="json"), "reused": reused})
    if mode is OutputMode.TEXT:
        click.echo(info.glossary_id)
        note(
            f"{'reused' if reused else 'created'} glossary {info.glossary_id} "
            f"({info.source} → {info.target}, {counted(info.entries, 'term')})"
        )


@glossary.command(name="list")
@provider_option
@json_option
@click.pass_obj
def list_(runtime: Runtime, provider: str | None, mode: OutputMode) -> None:
    """List the provider's glossaries."""
    from transhub.glossaries import route_store

    store = runtime.hub.instance(route_store(runtime.hub, provider))
    found = store.list()
    with Records(mode, many=True) as records:
        for info in found:
            records.add(info)
    if mode is OutputMode.TEXT:
        table(
            [
                (g.glossary_id, g.name, g.source, g.target, g.entries, g.created or "")
                for g in found
            ],
            ("glossary_id", "name", "source", "target", "entries", "created"),
        )


@glossary.command()
@click.argument("glossary_id", metavar="ID")
@provider_option
@json_option
@click.pass_obj
def show(runtime: Runtime, glossary_id: str, provider: str | None, mode: OutputMode) -> None:
    """Show a glossary and its terms."""
    from transhub.glossaries import route_store

    store = runtime.hub.instance(route_store(runtime.hub, provider))
    info = store.get(glossary_id)
    terms = store.entries(glossary_id)
    with Records(mode, many=False) as records:
        records.add(
            {
                **info.model_dump(mode="json"),
                "terms": [{"source": s, "target": t} for s, t in terms],
            }
        )
    if mode is OutputMode.TEXT:
        note(f"{info.name}: {info.source} → {info.target}, {counted(info.entries, 'term')}")
        table(terms, ("source", "target"))


@glossary.command()
@click.argument("glossary_id", metavar="ID")
@provider_option
@json_option
@click.pass_obj
def delete(runtime: Runtime, glossary_id: str, provider: str | None, mode: OutputMode) -> None:
    """Delete a glossary (--json: its record, ``{"glossary_id", "deleted": true}``)."""
    from transhub.glossaries import delete_glossary

    delete_glossary(runtime.hub, provider, glossary_id)
    with Records(mode, many=False) as records:
        records.add({"glossary_id": glossary_id, "deleted": True})
    if mode is OutputMode.TEXT:
        note(f"deleted glossary {glossary_id}")
