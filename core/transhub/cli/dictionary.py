"""``transhub dict``: look a word up."""

from __future__ import annotations

import click

from transhub.cli.output import emit_json, from_option, json_option, provider_option
from transhub.cli.runtime import Runtime


class DictionaryCommand(click.Command):
    """``dict``, whose help ends with the attribution each installed dictionary's data
    asks for (its licence may require it to be shown wherever the data is)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        from transhub.capabilities.kinds import Capability

        runtime = ctx.find_object(Runtime) or Runtime()
        shown = {
            cls.provider.name: str(getattr(cls, "attribution", ""))
            for cls in runtime.registry.implementations(Capability.DICTIONARY)
        }
        lines = [f"{name}: {text}" for name, text in sorted(shown.items()) if text]
        if lines:
            formatter.write_paragraph()
            with formatter.section("Data sources"):
                formatter.write_text("\n".join(lines))


@click.command(name="dict", cls=DictionaryCommand)
@click.argument("word")
@from_option
@click.option(
    "--to", "target", metavar="LANG", help="The language wanted (omit: the dictionary's own)."
)
@provider_option
@json_option
@click.pass_obj
def dictionary(
    runtime: Runtime,
    word: str,
    source: str | None,
    target: str | None,
    provider: str | None,
    as_json: bool,
) -> None:
    """Look WORD up: pronunciations, meanings, inflections, examples, synonyms."""
    entry = runtime.hub.lookup_word(word, source=source, target=target, provider=provider)
    if as_json:
        emit_json(entry)
        return
    click.echo(entry.word)
    for p in entry.pronunciations:
        click.echo(f"  {p.region.upper()} /{p.phonetic}/")
    for meaning in entry.meanings:
        click.echo(f"  {meaning.part_of_speech} {'; '.join(meaning.definitions)}")
    if entry.inflections:
        click.echo("  forms: " + ", ".join(f"{i.kind} {i.form}" for i in entry.inflections))
    for example in entry.examples[:5]:
        source_ = f" ({example.source})" if example.source else ""
        click.echo(f"  e.g. {example.text} — {example.translation}{source_}")
    if entry.synonyms:
        click.echo("  synonyms: " + ", ".join(entry.synonyms))
    if entry.antonyms:
        click.echo("  antonyms: " + ", ".join(entry.antonyms))
    if entry.attribution:
        click.echo(f"  ({entry.attribution})")
