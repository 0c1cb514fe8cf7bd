"""``transhub dict``: look a word up."""

from __future__ import annotations

import click

from transhub.cli.output import emit_json, json_option, provider_option
from transhub.cli.runtime import Runtime


@click.command(name="dict")
@click.argument("word")
@provider_option
@json_option
@click.pass_obj
def dictionary(runtime: Runtime, word: str, provider: str | None, as_json: bool) -> None:
    """Look WORD up: pronunciations, meanings, inflections, examples, synonyms."""
    entry = runtime.hub.lookup_word(word, provider=provider)
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
        source = f" ({example.source})" if example.source else ""
        click.echo(f"  e.g. {example.text} — {example.translation}{source}")
    if entry.synonyms:
        click.echo("  synonyms: " + ", ".join(entry.synonyms))
    if entry.antonyms:
        click.echo("  antonyms: " + ", ".join(entry.antonyms))
