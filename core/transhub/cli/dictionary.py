"""``transhub dict``: look a word up."""

from __future__ import annotations

from typing import Any

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    check_result_file,
    fallback_option,
    from_option,
    json_option,
    output_file_option,
    overwrite_option,
    provider_option,
    save_result,
)
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
@fallback_option
@output_file_option
@overwrite_option
@json_option
@click.pass_obj
def dictionary(
    runtime: Runtime,
    word: str,
    source: str | None,
    target: str | None,
    provider: str | None,
    fallback: bool | None,
    output: str | None,
    overwrite: bool,
    mode: OutputMode,
) -> None:
    """Look WORD up: pronunciations, meanings, inflections, examples, synonyms."""
    check_result_file(output, overwrite=overwrite)  # before the word is sent
    entry = runtime.hub.lookup_word(
        word, source=source, target=target, provider=provider, fallback=fallback
    )
    with Records(mode, many=False) as records:
        records.add(entry)
    save_result(_render(entry), output, mode, overwrite=overwrite)


def _render(entry: Any) -> str:
    lines = [entry.word]
    lines += [f"  {p.region.upper()} /{p.phonetic}/" for p in entry.pronunciations]
    lines += [f"  {m.part_of_speech} {'; '.join(m.definitions)}" for m in entry.meanings]
    if entry.inflections:
        lines.append("  forms: " + ", ".join(f"{i.kind} {i.form}" for i in entry.inflections))
    for example in entry.examples[:5]:
        source = f" ({example.source})" if example.source else ""
        lines.append(f"  e.g. {example.text} — {example.translation}{source}")
    if entry.synonyms:
        lines.append("  synonyms: " + ", ".join(entry.synonyms))
    if entry.antonyms:
        lines.append("  antonyms: " + ", ".join(entry.antonyms))
    if entry.attribution:
        lines.append(f"  ({entry.attribution})")
    return "\n".join(lines)
