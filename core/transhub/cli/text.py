"""``transhub text``: translate a short text."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from transhub.cli.output import (
    OutputMode,
    Records,
    check_result_file,
    fallback_option,
    formality_option,
    formality_value,
    from_option,
    glossary_option,
    json_option,
    output_file_option,
    overwrite_option,
    provider_option,
    save_result,
    to_option,
)
from transhub.cli.runtime import Runtime


@click.command()
@click.argument("text", required=False)
@to_option
@from_option
@provider_option
@glossary_option
@formality_option
@click.option(
    "--tag-handling",
    type=click.Choice(("xml", "html")),
    help="Treat TEXT as xml or html: translate only its text (providers that offer it).",
)
@click.option(
    "--preserve-formatting",
    is_flag=True,
    help="Keep punctuation and case as they are (providers that offer it).",
)
@fallback_option
@output_file_option
@overwrite_option
@json_option
@click.pass_obj
def text(
    runtime: Runtime,
    text: str | None,
    target: str,
    source: str | None,
    provider: str | None,
    glossary: Path | None,
    formality: str | None,
    tag_handling: str | None,
    preserve_formatting: bool,
    fallback: bool | None,
    output: str | None,
    overwrite: bool,
    mode: OutputMode,
) -> None:
    """Translate TEXT into --to LANG.

    Without TEXT (or with -), the text is read from standard input, e.g.
    `echo hello | transhub text --to zh`.
    """
    # Before the text is read or sent: an -o FILE that cannot take the result.
    check_result_file(output, overwrite=overwrite)
    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            raise click.UsageError("give TEXT, or pipe the text in on standard input")
        text = sys.stdin.read().rstrip("\n")
    from transhub.capabilities.text import TextOptions

    options = TextOptions(
        formality=formality_value(formality),
        tag_handling=tag_handling,
        preserve_formatting=preserve_formatting,
    )
    result = runtime.hub.translate_text(
        text,
        target,
        source=source,
        provider=provider,
        glossary=glossary,
        options=options if options != TextOptions() else None,
        fallback=fallback,
    )
    with Records(mode, many=False) as records:
        records.add(result)
    save_result(result.text, output, mode, overwrite=overwrite)
